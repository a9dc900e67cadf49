using BlairClip.ML.Evaluation;

namespace BlairClip.ML.Reporting;

/// <summary>One model against the study's baseline on one metric.</summary>
/// <param name="Difference">Mean per-user difference (model − baseline).</param>
/// <param name="CiLower">Bootstrap 95 % interval of the difference (seeded, 1,000 resamples, percentile method).</param>
/// <param name="TTestP">Two-sided paired t-test p-value.</param>
/// <param name="TTestHolm">The t-test p-value Holm-adjusted across the models compared with the baseline.</param>
/// <param name="WilcoxonP">Two-sided Wilcoxon signed-rank p-value.</param>
/// <param name="WilcoxonHolm">The Wilcoxon p-value, Holm-adjusted across the models.</param>
public sealed record BaselineComparison(double Difference, double CiLower, double CiUpper, double TTestP, double TTestHolm, double WilcoxonP, double WilcoxonHolm)
{
    /// <summary>A significant win (+1), loss (−1) or neither (0) at α = 0.05 after Holm, by the t-test.</summary>
    public int Mark => TTestHolm < 0.05 ? Math.Sign(Difference) : 0;
}

/// <summary>The uncertainty of a study's table: for every model and metric a bootstrap 95 % interval of the mean (seeded,
/// 1,000 resamples, percentile method), and, with <c>evaluation.baseline</c>, every other model compared with the
/// baseline on per-user values by a paired t-test and a Wilcoxon signed-rank test, Holm-corrected across the models
/// (per metric and test).</summary>
public sealed record Significance(string? Baseline, IReadOnlyDictionary<string, IReadOnlyDictionary<string, (double Lower, double Upper)>> Intervals,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, BaselineComparison>> VersusBaseline)
{
    public const int Resamples = 1000;

    /// <exception cref="ArgumentException"><paramref name="baseline"/> names no model of <paramref name="result"/>.</exception>
    public static Significance Compute(StudyResult result, string? baseline, int seed)
    {
        var metrics = ResultsWriter.MetricNames(result);
        // Every interval — of each model's mean and of each difference from the baseline — in one batch: they all draw the
        // same users (same seed, same n), so the draws are shared (BootstrapIntervals).
        var columns = new List<double[]>();
        var meanColumn = result.Models.ToDictionary(m => m.Name, m => metrics.Where(m.Evaluation.Metrics.ContainsKey)
            .ToDictionary(k => k, k => { columns.Add(m.Evaluation.PerUserValues(k)); return columns.Count - 1; }));
        var reference = baseline is null ? null : result.Models.FirstOrDefault(m => m.Name == baseline)
            ?? throw new ArgumentException($"evaluation.baseline '{baseline}' is not a model of the study.");
        var others = result.Models.Where(m => m.Name != baseline).ToList();
        var differences = new Dictionary<(string Model, string Metric), (double[] A, double[] B, double[] D, int Column)>();
        if (reference is not null)
            foreach (var metric in metrics)
                foreach (var m in others)
                {
                    var (a, b, d) = PairedComparison.Differences(m.Evaluation, reference.Evaluation, metric);
                    columns.Add(d);
                    differences[(m.Name, metric)] = (a, b, d, columns.Count - 1);
                }
        // Every model was evaluated on the study's test users: the columns have one length.
        var ci = BootstrapIntervals.OfMeans(columns, Resamples, seed);

        var intervals = meanColumn.ToDictionary(kv => kv.Key,
            kv => (IReadOnlyDictionary<string, (double, double)>)kv.Value.ToDictionary(c => c.Key, c => ci[c.Value]));
        var versus = new Dictionary<string, IReadOnlyDictionary<string, BaselineComparison>>();
        if (reference is not null)
        {
            var perModel = others.ToDictionary(m => m.Name, _ => new Dictionary<string, BaselineComparison>());
            foreach (var metric in metrics)
            {
                var compared = others.Select(m =>
                {
                    var (a, b, d, column) = differences[(m.Name, metric)];
                    return PairedComparison.Summarize(metric, a, b, d, ci[column]);
                }).ToList();
                var tHolm = Holm.Adjust(compared.Select(c => c.PValue).ToList());
                var wHolm = Holm.Adjust(compared.Select(c => c.WilcoxonP).ToList());
                for (int k = 0; k < others.Count; k++)
                    perModel[others[k].Name][metric] = new BaselineComparison(compared[k].MeanDifference, compared[k].CiLower, compared[k].CiUpper,
                        compared[k].PValue, tHolm[k], compared[k].WilcoxonP, wHolm[k]);
            }
            foreach (var (name, table) in perModel) versus[name] = table;
        }
        return new Significance(baseline, intervals, versus);
    }
}
