namespace BlairClip.ML.Evaluation;

/// <summary>The Wilcoxon signed-rank test of paired differences, two-sided, as <c>scipy.stats.wilcoxon(x, y)</c>
/// computes it by default (scipy 1.10: <c>zero_method="wilcox"</c>, <c>correction=False</c>, <c>method="auto"</c>):
/// <list type="bullet">
/// <item>n ≤ 50 differences and none zero: the exact null distribution of the positive rank sum (ranks averaged over
/// ties, the sum truncated to an integer as scipy does);</item>
/// <item>otherwise the normal approximation: zero differences dropped, T = min(R⁺, R⁻), mean n(n+1)/4, variance
/// n(n+1)(2n+1)/24 minus ½·Σ t(t²−1)/24 over groups of tied |d|, p = 2·(1 − Φ(|z|)).</item>
/// </list>
/// (No .NET library we can use has it; written from scipy's definition and checked against scipy on fixtures.)</summary>
public static class SignedRankTest
{
    /// <returns>The two-sided p-value; 1 when every difference is zero (scipy raises there: no evidence either way).</returns>
    public static double TwoSidedP(ReadOnlySpan<double> differences)
    {
        int n = differences.Length;
        if (n == 0) return double.NaN;
        int zeros = 0;
        foreach (var d in differences) if (d == 0) zeros++;
        bool exact = n <= 50 && zeros == 0;
        var d2 = exact ? differences.ToArray() : differences.ToArray().Where(d => d != 0).ToArray();
        int count = d2.Length;
        if (count == 0) return 1.0;
        var (ranks, tieTerm) = AverageRanks(d2.Select(Math.Abs).ToArray());
        double rPlus = 0, rMinus = 0;
        for (int k = 0; k < count; k++)
        {
            if (d2[k] > 0) rPlus += ranks[k];
            else if (d2[k] < 0) rMinus += ranks[k];
        }
        if (exact) return ExactP(count, (int)rPlus);
        double t = Math.Min(rPlus, rMinus);
        double mean = count * (count + 1.0) * 0.25;
        double se = count * (count + 1.0) * (2.0 * count + 1.0) - 0.5 * tieTerm;
        se = Math.Sqrt(se / 24);
        double z = (t - mean) / se;
        return 2 * Normal.UpperTail(Math.Abs(z));
    }

    /// <summary>Ranks 1…n of <paramref name="values"/> with ties given their average rank (scipy's rankdata), and
    /// Σ t(t² − 1) over the groups of t tied values.</summary>
    internal static (double[] Ranks, double TieTerm) AverageRanks(double[] values)
    {
        int n = values.Length;
        var order = Enumerable.Range(0, n).OrderBy(i => values[i]).ToArray();
        var ranks = new double[n];
        double tie = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && values[order[j + 1]] == values[order[i]]) j++;
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) ranks[order[k]] = rank;
            double size = j - i + 1;
            if (size > 1) tie += size * (size * size - 1);
            i = j + 1;
        }
        return (ranks, tie);
    }

    /// <summary>2·min(P(R⁺ ≤ r), P(R⁺ ≥ r)) under the exact null (each rank's sign a fair coin), 1 at the centre.</summary>
    private static double ExactP(int n, int rPlus)
    {
        int max = n * (n + 1) / 2;
        // Counts of subsets of {1..n} by sum (the number of sign patterns giving each R⁺), in doubles: 2^50 is exact.
        var counts = new double[max + 1];
        counts[0] = 1;
        for (int r = 1; r <= n; r++)
            for (int s = max; s >= r; s--) counts[s] += counts[s - r];
        double total = Math.Pow(2, n);
        if (rPlus == max / 2) return 1.0;  // scipy: r_plus == (len(pmf) - 1) // 2
        double less = 0, greater = 0;
        for (int s = 0; s <= rPlus; s++) less += counts[s];
        for (int s = rPlus; s <= max; s++) greater += counts[s];
        return Math.Clamp(2 * Math.Min(less, greater) / total, 0, 1);
    }
}
