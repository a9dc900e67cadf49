using BlairClip.Report;
using ScottPlot;

namespace BlairClip.Plots.Figures;

/// <summary>Recall@K and NDCG@K for K = 1 … 100, one line per model (from <c>curves.json</c>).</summary>
public static class RankCurvePlot
{
    /// <summary>Both figures: <c>recall_at_k</c> and <c>ndcg_at_k</c>.</summary>
    public static IEnumerable<Figure> Create(RunFolder run)
    {
        yield return Curve(run, "recall_at_k", "Recall@K", c => c.Recall);
        yield return Curve(run, "ndcg_at_k", "NDCG@K", c => c.Ndcg);
    }

    private static Figure Curve(RunFolder run, string name, string metric, Func<ML.Reporting.RankCurves, double[]> pick)
    {
        var plot = FigureStyle.New($"{metric} by cutoff K", "K", metric);
        int i = 0;
        foreach (var (model, curves) in run.Curves)
        {
            var ys = pick(curves);
            var line = plot.Add.ScatterLine(Enumerable.Range(1, ys.Length).Select(k => (double)k).ToArray(), ys, FigureStyle.Series(i++));
            line.LegendText = model;
            line.LineWidth = 2;
        }
        plot.Axes.SetLimitsX(0, run.Curves.Select(c => c.Value.Recall.Length).DefaultIfEmpty(1).Max() + 1);
        plot.ShowLegend(Alignment.LowerRight);
        return new Figure(name, $"{metric}, K = 1…{ML.Reporting.RankCurves.MaxK}",
            $"Mean {metric} over the {run.TestUsers:N0} test users for every cutoff K, ties ranked as the study says; the table's {metric.Replace("K", "10")} is the value at K = 10.", plot);
    }
}
