namespace BlairClip.ML.Evaluation;

/// <summary>A paired comparison of two models on the same held-out cases.</summary>
/// <param name="Metric">The compared metric.</param>
/// <param name="Users">Number of paired users n.</param>
/// <param name="MeanA">Mean of the metric for model A.</param>
/// <param name="MeanB">Mean of the metric for model B.</param>
/// <param name="MeanDifference">d̄ = mean over users of (a_u − b_u) = MeanA − MeanB.</param>
/// <param name="TStatistic">t = d̄ / (s_d / √n), s_d the sample standard deviation (n − 1 denominator).</param>
/// <param name="PValue">Two-sided paired t-test p-value with n − 1 degrees of freedom.</param>
/// <param name="CiLower">2.5th percentile of the bootstrap distribution of d̄.</param>
/// <param name="CiUpper">97.5th percentile of the bootstrap distribution of d̄.</param>
public sealed record PairedComparisonResult(string Metric, int Users, double MeanA, double MeanB, double MeanDifference,
    double TStatistic, double PValue, double CiLower, double CiUpper)
{
    /// <summary>Two-sided Wilcoxon signed-rank p-value of the same differences (<see cref="SignedRankTest"/>).</summary>
    public double WilcoxonP { get; init; } = double.NaN;
}

/// <summary>Is model A better than model B on a metric, user by user? A paired t-test on the per-user
/// differences and a seeded percentile-bootstrap 95% confidence interval of their mean.</summary>
public static class PairedComparison
{
    /// <summary>Compares <paramref name="a"/> and <paramref name="b"/> on <paramref name="metric"/>.</summary>
    /// <param name="resamples">Bootstrap resamples: each draws n users with replacement and takes the mean
    /// difference; the interval is the 2.5th and 97.5th percentiles (linear interpolation between order
    /// statistics, as numpy's default).</param>
    /// <param name="seed">Seed of the bootstrap draws (same seed, same interval).</param>
    /// <remarks>When every difference is the same, s_d = 0: the p-value is 1 if that difference is 0 and 0
    /// otherwise (t = ±∞), and the interval is that difference.</remarks>
    /// <exception cref="ArgumentException">The results do not cover the same (user, item) cases in the same
    /// order (the message names the first mismatch), fewer than 2 users, or fewer than 1 resample.</exception>
    /// <exception cref="KeyNotFoundException">Either result lacks <paramref name="metric"/>.</exception>
    public static PairedComparisonResult Compare(EvaluationResult a, EvaluationResult b, string metric,
        int resamples = 10_000, int seed = 42)
    {
        if (resamples < 1) throw new ArgumentException($"resamples must be positive, but was {resamples}.", nameof(resamples));
        var (va, vb, d) = Differences(a, b, metric);
        return Summarize(metric, va, vb, d, BootstrapIntervals.OfMeans([d], resamples, seed)[0]);
    }

    /// <summary>The per-user values of <paramref name="a"/> and <paramref name="b"/> on <paramref name="metric"/> and their
    /// differences a − b, after checking that they cover the same cases (see <see cref="Compare"/>).</summary>
    internal static (double[] A, double[] B, double[] Difference) Differences(EvaluationResult a, EvaluationResult b, string metric)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Users != b.Users)
            throw new ArgumentException($"Paired comparison needs the same cases, but A has {a.Users} users and B has {b.Users}.");
        for (int u = 0; u < a.Users; u++)
        {
            UserEvaluation x = a.PerUser[u], y = b.PerUser[u];
            if (x.User != y.User || x.Item != y.Item)
                throw new ArgumentException(
                    $"Paired comparison needs the same cases in the same order, but row {u} is (user {x.User}, item {x.Item}) in A and (user {y.User}, item {y.Item}) in B.");
        }
        int n = a.Users;
        if (n < 2) throw new ArgumentException($"A paired t-test needs at least 2 users, but there was {n}.");

        double[] va = a.PerUserValues(metric), vb = b.PerUserValues(metric);
        var d = new double[n];
        for (int u = 0; u < n; u++) d[u] = va[u] - vb[u];
        return (va, vb, d);
    }

    /// <summary>The comparison of the <see cref="Differences"/> with the bootstrap <paramref name="interval"/> of their
    /// mean.</summary>
    internal static PairedComparisonResult Summarize(string metric, double[] va, double[] vb, double[] d, (double Lower, double Upper) interval)
    {
        var (t, p) = TTest(d);
        return new PairedComparisonResult(metric, d.Length, va.Average(), vb.Average(), d.Average(), t, p, interval.Lower, interval.Upper)
        {
            WilcoxonP = SignedRankTest.TwoSidedP(d),
        };
    }

    /// <summary>The paired t-test of the differences <paramref name="d"/> (scipy's <c>ttest_rel</c>): t = d̄ / (s_d / √n)
    /// and its two-sided p-value with n − 1 degrees of freedom; when every difference is equal, p = 1 if it is 0 and 0
    /// otherwise.</summary>
    public static (double T, double P) TTest(ReadOnlySpan<double> d)
    {
        int n = d.Length;
        double mean = 0;
        foreach (double x in d) mean += x;
        mean /= n;
        double ss = 0;
        foreach (double x in d) ss += (x - mean) * (x - mean);
        double sd = Math.Sqrt(ss / (n - 1));
        if (sd == 0) return (mean == 0 ? 0 : Math.CopySign(double.PositiveInfinity, mean), mean == 0 ? 1 : 0);
        double t = mean / (sd / Math.Sqrt(n));
        return (t, StudentT.TwoSidedP(t, n - 1));
    }

    /// <summary>The seeded percentile-bootstrap 95 % interval of the mean of <paramref name="values"/>
    /// (<see cref="BootstrapIntervals"/>).</summary>
    public static (double Lower, double Upper) MeanInterval(double[] values, int resamples = 1000, int seed = 42) =>
        BootstrapIntervals.OfMeans([values], resamples, seed)[0];

    /// <summary>The q-quantile of ascending <paramref name="sorted"/>, interpolating at position q·(count − 1).</summary>
    internal static double Percentile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
