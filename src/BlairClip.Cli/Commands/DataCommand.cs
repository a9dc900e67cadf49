using System.CommandLine;
using BlairClip.ML.Data;
using BlairClip.ML.Experiments;
using BlairClip.ML.Experiments.Yaml;

namespace BlairClip.Cli.Commands;

/// <summary><c>blairclip data stats SPEC.yaml</c>: counts after filtering and splitting.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "Study file." };
        var set = new Option<string[]>("--set") { Description = "Override a study key: key.path=value (repeatable)." };
        var stats = new Command("stats", "Users, items, interactions, text/image coverage and per-user/per-item quantiles after filtering and splitting.");
        stats.Arguments.Add(spec);
        stats.Options.Add(set);
        stats.SetAction(p => Errors.Guard(() =>
        {
            var doc = SpecDocument.Load(p.GetValue(spec)!);
            foreach (var o in p.GetValue(set) ?? []) doc.ApplyOverride(o);
            var study = StudyData.Prepare(doc, new StageTimes());
            Console.WriteLine(DataStatistics.Compute(study.Data, study.Split).ToTable());
            foreach (var (k, v) in study.Data.Report.Counts) Console.WriteLine($"{k}: {v}");
            return 0;
        }));
        var data = new Command("data", "Inspect a study's data.");
        data.Subcommands.Add(stats);
        return data;
    }
}
