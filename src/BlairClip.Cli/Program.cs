using System.CommandLine;
using BlairClip.Cli.Commands;

namespace BlairClip.Cli;

/// <summary>The <c>blairclip</c> command line: run, recommend, evaluate, report, compare, data stats/synth, encode, bench.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("BlairClip.ML: declare a recommendation study in YAML, run it, compare models on one evaluator.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(RecommendCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(SearchCommand.Create());
        root.Subcommands.Add(SearchCommand.CreateEval());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(EncodeCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        return root.Parse(args).Invoke();
    }
}
