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

/// <summary>The standard normal distribution's upper tail, 1 − Φ(z) = ½·erfc(z/√2), with erfc from W. J. Cody's
/// rational approximations (relative error below 1e-15): .NET has no erfc.</summary>
public static class Normal
{
    public static double UpperTail(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    /// <summary>The complementary error function.</summary>
    public static double Erfc(double x)
    {
        if (x < 0) return 2 - Erfc(-x);
        if (x < 0.5) return 1 - Erf(x);
        double y = x;
        if (y < 4)
        {
            double[] p = [3.004592610201616e2, 4.519189537118729e2, 3.393208167343437e2, 1.529892850469404e2, 4.316222722205674e1, 7.211758250883094, 5.641955174789740e-1, -1.368648573827167e-7];
            double[] q = [3.004592609569833e2, 7.909509253278980e2, 9.313540948506096e2, 6.389802644656312e2, 2.775854447439876e2, 7.700015293522947e1, 1.278272731962942e1, 1.0];
            double num = 0, den = 0;
            for (int k = p.Length - 1; k >= 0; k--) { num = num * y + p[k]; den = den * y + q[k]; }
            return Math.Exp(-y * y) * num / den;
        }
        else
        {
            double[] p = [-2.99610707703542174e-3, -4.94730910623250734e-2, -2.26956593539686930e-1, -2.78661308609647788e-1, -2.23192459734184686e-2];
            double[] q = [1.06209230528467918e-2, 1.91308926107829841e-1, 1.05167510706793207, 1.98733201817135256, 1.0];
            double z = 1 / (y * y), num = 0, den = 0;
            for (int k = p.Length - 1; k >= 0; k--) { num = num * z + p[k]; den = den * z + q[k]; }
            return Math.Exp(-y * y) / y * (1 / Math.Sqrt(Math.PI) + z * num / den);
        }
    }

    private static double Erf(double x)
    {
        double[] p = [3.16112374387056560, 1.13864154151050156e2, 3.77485237685302021e2, 3.20937758913846947e3, 1.85777706184603153e-1];
        double[] q = [2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3, 2.84423683343917062e3];
        double z = x * x;
        double num = p[4] * z, den = z;
        for (int k = 0; k < 3; k++) { num = (num + p[k]) * z; den = (den + q[k]) * z; }
        return x * (num + p[3]) / (den + q[3]);
    }
}

/// <summary>Holm's step-down correction of p-values for several comparisons (controls the family-wise error).</summary>
public static class Holm
{
    /// <summary>Adjusted p-values, in the input order: sorted ascending, p_(i)·(m − i + 1), made monotone, capped at 1.
    /// NaN p-values are left out of the family and stay NaN.</summary>
    public static double[] Adjust(IReadOnlyList<double> p)
    {
        var idx = Enumerable.Range(0, p.Count).Where(i => !double.IsNaN(p[i])).OrderBy(i => p[i]).ToArray();
        var adjusted = Enumerable.Repeat(double.NaN, p.Count).ToArray();
        double running = 0;
        for (int r = 0; r < idx.Length; r++)
        {
            running = Math.Max(running, Math.Min(1, (idx.Length - r) * p[idx[r]]));
            adjusted[idx[r]] = running;
        }
        return adjusted;
    }
}
