using ScottPlot;
using ScottPlot.TickGenerators;

namespace BlairClip.Plots.Figures;

/// <summary>What every figure shares: a new plot with a title and axis labels, log-scaled axes (ScottPlot plots linear
/// coordinates, so values are drawn as log10 with decade ticks labelled by the value), and the series palette.</summary>
internal static class FigureStyle
{
    public static Plot New(string title, string x, string y)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        return plot;
    }

    /// <summary>Ticks at 1, 2 and 5 × 10^k (labelled by the value, not its log) over the positive
    /// <paramref name="values"/>, on an axis whose coordinates are log10 of the values.</summary>
    public static void LogTicks(IAxis axis, IEnumerable<double> values)
    {
        var positive = values.Where(v => v > 0).DefaultIfEmpty(1).ToArray();
        int lo = (int)Math.Floor(Math.Log10(positive.Min())), hi = (int)Math.Ceiling(Math.Log10(positive.Max()));
        var ticks = new NumericManual();
        for (int e = lo; e <= hi; e++)
            foreach (int m in (int[])[1, 2, 5])
            {
                double v = m * Math.Pow(10, e);
                if (v < positive.Min() / 1.5 || v > positive.Max() * 1.5) continue;
                ticks.AddMajor(Math.Log10(v), v.ToString("#,0.###", System.Globalization.CultureInfo.InvariantCulture));
            }
        axis.TickGenerator = ticks;
    }

    /// <summary>The i-th series colour (Category 10).</summary>
    public static Color Series(int i) => new ScottPlot.Palettes.Category10().GetColor(i);
}
