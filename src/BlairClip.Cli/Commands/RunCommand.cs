using System.CommandLine;
using BlairClip.ML.Experiments;
using Spectre.Console;

namespace BlairClip.Cli.Commands;

/// <summary><c>blairclip run SPEC.yaml [--output DIR] [--force] [--resume RUN_DIR] [--set key=value ...] [--quiet]</c></summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "Study file (experiments/*.yaml)." };
        var output = new Option<string?>("--output", "-o") { Description = "Write exactly into DIR (created; refuses a non-empty DIR unless --force)." };
        var force = new Option<bool>("--force") { Description = "Replace a non-empty --output DIR." };
        var resume = new Option<string?>("--resume") { Description = "Continue RUN_DIR, a run that stopped after writing checkpoints (save_every), with the same SPEC and --set: trained models resume exactly from their newest checkpoint." };
        var set = new Option<string[]>("--set") { Description = "Override a study key: key.path=value (repeatable), e.g. models.BPR-MF.params.epochs=5." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress bars or stage lines; print only the summary table." };
        var cmd = new Command("run", "Run a study and write its comparison table, per-user results, model zips, run.json and report.html (with plots/).");
        cmd.Arguments.Add(spec);
        foreach (var o in new Option[] { output, force, resume, set, quiet }) cmd.Options.Add(o);
        cmd.SetAction(p => Errors.Guard(() =>
        {
            bool q = p.GetValue(quiet);
            using var interruption = new Interruption();
            var outcome = ConsoleProgress.Run(q, progress => StudyRunner.Run(p.GetValue(spec)!, new StudyRunOptions
            {
                OutputDirectory = p.GetValue(output), Force = p.GetValue(force), Resume = p.GetValue(resume), Overrides = p.GetValue(set) ?? [],
                Progress = interruption.Watch(progress), Log = q ? null : Console.Error,
                FolderWriters = [new BlairClip.Report.HtmlReport()],
            }));
            Tables.Write(outcome.Result);
            if (!q)
                Console.Error.WriteLine("stages: " + string.Join(", ", outcome.Times.Stages.Select(s => $"{s.Key} {s.Value:F2}s")));
            Console.WriteLine($"results: {outcome.OutputDirectory}");
            return 0;
        }));
        return cmd;
    }
}
