using System.Globalization;
using BlairClip.ML.Data;
using ScottPlot;

namespace BlairClip.Plots.Figures;

/// <summary>The exploratory figures of a data set (from its <see cref="DataProfile"/>): interactions per user and per
/// item on log-log axes (the long tail), test users' history lengths and words per item text in power-of-two bins,
/// text and image coverage, and the split's user counts.</summary>
public static class DataFigures
{
    /// <summary>The figures' file stems, in order (declared in FigureIndex, where the command line reads them).</summary>
    public static IReadOnlyList<string> Names => Report.FigureIndex.DataFigures;

    public static IEnumerable<Figure> Create(DataProfile p)
    {
        yield return LongTail(Names[0], "Interactions per user", "users", p.InteractionsPerUser, p.Users);
        int itemsWithout = p.InteractionsPerItem.Where(x => x.Value == 0).Sum(x => x.Count);
        yield return LongTail(Names[1], "Interactions per item", "items", p.InteractionsPerItem, p.Items,
            itemsWithout > 0 ? $" {itemsWithout:N0} catalog items without interactions are not on the log axis." : "");
        yield return Binned(Names[2], "Training-history length of the test users", "history length (interactions)", "test users", p.TestHistoryLengths);
        yield return Binned(Names[3], "Words per item text", "words", "items", p.TextWords);
        yield return Counts(Names[4], "Item text and image coverage", "items",
            [("catalog", p.Items), ("with text", p.ItemsWithText), ("with image", p.ItemsWithImage)],
            $"Of {p.Items:N0} catalog items, {Percent(p.ItemsWithText, p.Items)} have text and {Percent(p.ItemsWithImage, p.Items)} an image path.");
        yield return Counts(Names[5], "Users in the split", "users",
            [("all", p.Users), ("test", p.TestUsers), ("validation", p.ValidationUsers), ("train only", p.TrainOnlyUsers)],
            $"{p.TrainInteractions:N0} training interactions; test users hold out one item each (validation users one more); train-only users have too few interactions to hold one out.");
    }

    private static string Percent(int part, int whole) => whole == 0 ? "0%" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static Figure LongTail(string name, string title, string who, IReadOnlyList<(int Value, int Count)> table, int total, string extra = "")
    {
        var plot = FigureStyle.New(title, "interactions (log)", $"{who} (log)");
        var points = table.Where(x => x.Value > 0).ToArray();
        var dots = plot.Add.Scatter(points.Select(x => Math.Log10(x.Value)).ToArray(), points.Select(x => Math.Log10(x.Count)).ToArray(), FigureStyle.Series(0));
        dots.LineWidth = 0;
        dots.MarkerSize = 6;
        FigureStyle.LogTicks(plot.Axes.Bottom, points.Select(x => (double)x.Value));
        FigureStyle.LogTicks(plot.Axes.Left, points.Select(x => (double)x.Count));
        int median = Median(table);
        return new Figure(name, title, $"How many {who} have each number of interactions, on log-log axes ({total:N0} {who}; median {median}).{extra}", plot);
    }

    private static int Median(IReadOnlyList<(int Value, int Count)> table)
    {
        long n = table.Sum(x => (long)x.Count), seen = 0;
        foreach (var (v, c) in table) { seen += c; if (2 * seen >= n) return v; }
        return 0;
    }

    /// <summary>Bars over bins 0, 1, 2–3, 4–7, 8–15, …</summary>
    private static Figure Binned(string name, string title, string x, string who, IReadOnlyList<(int Value, int Count)> table)
    {
        var bins = new SortedDictionary<int, long>();
        foreach (var (v, c) in table)
        {
            int bin = v <= 0 ? -1 : (int)Math.Log2(v);
            bins[bin] = bins.GetValueOrDefault(bin) + c;
        }
        var labels = bins.Keys.Select(b => b < 0 ? "0" : b == 0 ? "1" : $"{1 << b}–{(1 << (b + 1)) - 1}").ToArray();
        var plot = FigureStyle.New(title, x, who);
        var values = bins.Values.Select(v => (double)v).ToArray();
        var bars = plot.Add.Bars(values);
        foreach (var bar in bars.Bars) bar.FillColor = FigureStyle.Series(0);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Enumerable.Range(0, labels.Length).Select(i => (double)i).ToArray(), labels);
        plot.Axes.Margins(bottom: 0);
        long n = table.Sum(t => (long)t.Count);
        return new Figure(name, title, $"{n:N0} {who} in power-of-two bins of {x} (median {Median(table)}).", plot);
    }

    private static Figure Counts(string name, string title, string who, (string Label, int Count)[] counts, string caption)
    {
        var plot = FigureStyle.New(title, "", who);
        var bars = plot.Add.Bars(counts.Select(c => (double)c.Count).ToArray());
        for (int i = 0; i < bars.Bars.Count; i++)
        {
            bars.Bars[i].FillColor = FigureStyle.Series(i);
            bars.Bars[i].Label = counts[i].Count.ToString("N0", CultureInfo.InvariantCulture);
        }
        bars.ValueLabelStyle.FontSize = 14;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Enumerable.Range(0, counts.Length).Select(i => (double)i).ToArray(), counts.Select(c => c.Label).ToArray());
        plot.Axes.Margins(bottom: 0);
        return new Figure(name, title, caption, plot);
    }
}
