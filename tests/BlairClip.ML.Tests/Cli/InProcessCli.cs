namespace BlairClip.ML.Tests.Cli;

/// <summary>Tests that swap the process's console run one at a time.</summary>
[CollectionDefinition("Console", DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>The command line in process (<c>Program.Main</c>), its stdout and stderr captured. For tests in the
/// <c>Console</c> collection; also compiled into BlairClip.Report.Tests (linked source).</summary>
public static class InProcessCli
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o); Console.SetError(e);
        try { return (BlairClip.Cli.Program.Main(args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }
}
