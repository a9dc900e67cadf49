using System.CommandLine;
using BlairClip.ML.Data;
using BlairClip.ML.Experiments;
using BlairClip.ML.Experiments.Yaml;

namespace BlairClip.Cli.Commands;

/// <summary><c>blairclip data stats SPEC.yaml</c> (counts after filtering and splitting) and <c>blairclip data synth</c>.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "Study file." };
        var set = new Option<string[]>("--set") { Description = "Override a study key: key.path=value (repeatable)." };
        var plots = new Option<string?>("--plots") { Description = "Also draw the exploratory figures (long tails, history and text lengths, coverage, split) as SVG and PNG into DIR (created; existing files are never overwritten)." };
        var stats = new Command("stats", "Users, items, interactions, text/image coverage and per-user/per-item quantiles after filtering and splitting.");
        stats.Arguments.Add(spec);
        stats.Options.Add(set);
        stats.Options.Add(plots);
        stats.SetAction(p => Errors.Guard(() =>
        {
            var doc = SpecDocument.Load(p.GetValue(spec)!);
            foreach (var o in p.GetValue(set) ?? []) doc.ApplyOverride(o);
            var plotDir = p.GetValue(plots) is { } d ? Path.GetFullPath(d) : null;
            if (plotDir is not null && File.Exists(plotDir)) throw new IOException($"--plots {plotDir} is a file; give a folder.");
            var clash = plotDir is null ? [] : BlairClip.Report.FigureIndex.DataFigures.SelectMany(n => new[] { n + ".svg", n + ".png" })
                .Append(BlairClip.ML.Reporting.ResultsWriter.ProfileFile).Append(BlairClip.Report.FigureIndex.FileName)
                .Where(n => File.Exists(Path.Combine(plotDir, n))).ToList();
            if (clash.Count > 0) throw new IOException($"--plots {plotDir} already holds {string.Join(", ", clash.Take(3))}{(clash.Count > 3 ? ", …" : "")}; data stats never overwrites files, choose another folder.");
            var study = StudyData.Prepare(doc, new StageTimes());
            Console.WriteLine(DataStatistics.Compute(study.Data, study.Split).ToTable());
            foreach (var (k, v) in study.Data.Report.Counts) Console.WriteLine($"{k}: {v}");
            if (plotDir is not null)
            {
                Directory.CreateDirectory(plotDir);
                var profile = Path.Combine(plotDir, BlairClip.ML.Reporting.ResultsWriter.ProfileFile);
                BlairClip.ML.IO.AtomicFile.WriteAllText(profile, DataProfile.Compute(study.Data, study.Split).ToJson().ToJsonString());
                BlairClip.Report.PlotsTool.DrawData(profile, plotDir);
                Console.WriteLine($"plots: {BlairClip.Report.FigureIndex.Read(plotDir).Count} figures (SVG and PNG) and {Path.GetFileName(profile)} in {plotDir}");
            }
            return 0;
        }));
        var data = new Command("data", "Inspect a study's data, or write synthetic data of a given shape.");
        data.Subcommands.Add(stats);
        data.Subcommands.Add(Synth());
        return data;
    }

    /// <summary><c>blairclip data synth --users N --items M --interactions K [--seed S] [--text-words W] --out DIR</c></summary>
    private static Command Synth()
    {
        var defaults = new SyntheticDataOptions();
        var users = new Option<int>("--users") { Description = "Users (default: Appliances' 1.8 M).", DefaultValueFactory = _ => defaults.Users };
        var items = new Option<int>("--items") { Description = "Items (default 94 k).", DefaultValueFactory = _ => defaults.Items };
        var interactions = new Option<long>("--interactions") { Description = "Reviews, exactly (default 2.1 M).", DefaultValueFactory = _ => defaults.Interactions };
        var seed = new Option<int>("--seed") { Description = "Seed (same seed, same files).", DefaultValueFactory = _ => defaults.Seed };
        var words = new Option<int>("--text-words") { Description = "Words per item description (reviews: half).", DefaultValueFactory = _ => defaults.TextWords };
        var output = new Option<string>("--out") { Description = "Folder for reviews.jsonl, meta.jsonl and study.yaml (existing files are never overwritten).", Required = true };
        var cmd = new Command("synth", "Write Amazon-2023-format reviews and meta JSONL with long-tailed popularity and activity, and a study.yaml over them.");
        foreach (var o in new Option[] { users, items, interactions, seed, words, output }) cmd.Options.Add(o);
        cmd.SetAction(p => Errors.Guard(() =>
        {
            var dir = Path.GetFullPath(p.GetValue(output)!);
            var study = Path.Combine(dir, "study.yaml");
            if (File.Exists(study)) throw new IOException($"{study} exists; data synth never overwrites files.");
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var written = SyntheticAmazonData.Write(new SyntheticDataOptions
            {
                Users = p.GetValue(users), Items = p.GetValue(items), Interactions = p.GetValue(interactions), Seed = p.GetValue(seed), TextWords = p.GetValue(words),
            }, dir);
            File.WriteAllText(study, SyntheticAmazonData.StudyYaml(Path.GetFileName(dir)));
            Console.WriteLine($"wrote {written.Reviews} and {written.Meta}: {written.Users:N0} users ({written.RepeatUsers:N0} with ≥ 2 reviews), "
                + $"{written.Items:N0} items, {written.Interactions:N0} reviews, {written.Bytes / 1e6:F0} MB in {watch.Elapsed.TotalSeconds:F1} s");
            Console.WriteLine($"study: {study}");
            return 0;
        }));
        return cmd;
    }
}
