using BlairClip.ML.Core;
using Spectre.Console;

namespace BlairClip.Cli;

/// <summary>Shows each long stage as a Spectre.Console progress bar.</summary>
internal sealed class ConsoleProgress(ProgressContext context) : IProgressReporter
{
    public IProgressTask Start(string stage, long total) => new Task(context.AddTask(Markup.Escape(stage), maxValue: Math.Max(1, total)), stage);

    private sealed class Task(ProgressTask task, string stage) : IProgressTask
    {
        public void Advance(long steps = 1) => task.Increment(steps);
        public void Describe(string status) => task.Description = Markup.Escape($"{stage} — {status}");
        public void Dispose() => task.Value = task.MaxValue;
    }

    /// <summary>Runs <paramref name="work"/> with bars when the terminal is interactive and not <paramref name="quiet"/>.</summary>
    public static T Run<T>(bool quiet, Func<IProgressReporter, T> work)
    {
        if (quiet || !AnsiConsole.Profile.Capabilities.Interactive || Console.IsErrorRedirected && Console.IsOutputRedirected)
            return work(NullProgress.Instance);
        T result = default!;
        AnsiConsole.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx => result = work(new ConsoleProgress(ctx)));
        return result;
    }
}
