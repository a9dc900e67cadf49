using System.Globalization;
using BlairClip.ML.Reporting;
using Spectre.Console;

namespace BlairClip.Cli;

/// <summary>Console renderings of results.</summary>
internal static class Tables
{
    /// <summary>A boxed table on a terminal; the Markdown table (as in results.md) when output is redirected, so logs
    /// and CI output stay readable at any width.</summary>
    public static void Write(StudyResult result)
    {
        if (Console.IsOutputRedirected) Console.Write(ResultsWriter.Markdown(result));
        else AnsiConsole.Write(Results(result));
    }

    /// <summary>Writes <paramref name="table"/>; without colours and at a fixed wide width when output is redirected.</summary>
    public static void Write(Table table)
    {
        if (!Console.IsOutputRedirected) { AnsiConsole.Write(table); return; }
        var plain = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(Console.Out),
        });
        plain.Profile.Width = 200;
        plain.Write(table);
    }

    public static Table Results(StudyResult result)
    {
        var metrics = ResultsWriter.MetricNames(result);
        var table = new Table().Title(Markup.Escape(result.Name)).AddColumn("Model").AddColumn(new TableColumn("Users").RightAligned());
        foreach (var m in metrics) table.AddColumn(new TableColumn(Markup.Escape(m)).RightAligned());
        table.AddColumn(new TableColumn("Fit (s)").RightAligned()).AddColumn(new TableColumn("Eval (s)").RightAligned());
        foreach (var m in result.Models)
        {
            var cells = new List<string> { Markup.Escape(m.Name), m.Evaluation.Users.ToString(CultureInfo.InvariantCulture) };
            cells.AddRange(metrics.Select(n => m.Evaluation.Metrics.TryGetValue(n, out var v) ? v.ToString("F4", CultureInfo.InvariantCulture) : ""));
            cells.Add(m.FitSeconds.ToString("F2", CultureInfo.InvariantCulture));
            cells.Add(m.EvaluateSeconds.ToString("F2", CultureInfo.InvariantCulture));
            table.AddRow(cells.ToArray());
        }
        return table;
    }
}
