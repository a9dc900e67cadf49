using System.CommandLine;
using BlairClip.ML.IO;
using BlairClip.Report;

namespace BlairClip.Cli.Commands;

/// <summary><c>blairclip compare RUN_DIR RUN_DIR … [--baseline MODEL] [--output DIR]</c></summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var dirs = new Argument<string[]>("run-dirs") { Description = "Two or more results folders (e.g. one study run with several seeds).", Arity = ArgumentArity.OneOrMore };
        var baseline = new Option<string?>("--baseline") { Description = "Test every other model against this one (default: the runs' evaluation.baseline when they agree)." };
        var output = new Option<string?>("--output", "-o") { Description = "Also write compare.md, compare.json and compare.html into DIR (created; existing files are never overwritten)." };
        var cmd = new Command("compare", "One table across runs: mean ± std per model and metric, and paired tests against a baseline across seeds and, where the test users match, across users.");
        cmd.Arguments.Add(dirs);
        cmd.Options.Add(baseline);
        cmd.Options.Add(output);
        cmd.SetAction(p => Errors.Guard(() =>
        {
            var runs = p.GetValue(dirs)!.Select(RunFolder.Read).ToList();
            var comparison = new RunComparison(runs, p.GetValue(baseline));
            var md = comparison.Markdown();
            if (p.GetValue(output) is { } dir)
            {
                dir = Path.GetFullPath(dir);
                if (File.Exists(dir)) throw new IOException($"--output {dir} is a file; give a folder.");
                string[] names = ["compare.md", "compare.json", "compare.html"];
                var existing = names.Where(n => File.Exists(Path.Combine(dir, n))).ToList();
                if (existing.Count > 0) throw new IOException($"--output {dir} already holds {string.Join(", ", existing)}; compare never overwrites files, choose another folder.");
                Directory.CreateDirectory(dir);
                AtomicFile.WriteAllText(Path.Combine(dir, names[0]), md);
                AtomicFile.WriteAllText(Path.Combine(dir, names[1]), comparison.Json());
                AtomicFile.WriteAllText(Path.Combine(dir, names[2]), comparison.Html());
            }
            Console.Write(md);
            return 0;
        }));
        return cmd;
    }
}
