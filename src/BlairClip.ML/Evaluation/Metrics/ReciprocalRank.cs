namespace BlairClip.ML.Evaluation.Metrics;

/// <summary>MRR (mean reciprocal rank) with one relevant item: 1/r. Over equally likely ranks first … last:
/// (H(last) − H(first − 1)) / (last − first + 1), H the harmonic numbers.</summary>
public sealed class ReciprocalRank : RankingMetric
{
    public override string Name => "MRR";

    protected override double MeanCore(long first, long last, long candidates) =>
        Harmonic.Difference(first - 1, last) / (last - first + 1);
}

/// <summary>Harmonic-number differences without summing millions of terms.</summary>
internal static class Harmonic
{
    /// <summary>Below this many terms, or below this argument, sums are computed term by term.</summary>
    private const long DirectLimit = 256;

    /// <summary>H(n) − H(m) = Σ_{r=m+1}^{n} 1/r for 0 ≤ m ≤ n.</summary>
    /// <remarks>Exact summation for short ranges; otherwise the asymptotic expansion
    /// H(n) = ln n + γ + 1/(2n) − 1/(12n²) + 1/(120n⁴) − …, whose first omitted term 1/(252n⁶) is below
    /// 1e-16 for n ≥ 256. The logarithms of a difference of two large arguments are taken with log1p so that
    /// a narrow range far down the list keeps full relative precision.</remarks>
    public static double Difference(long m, long n)
    {
        if (n - m <= DirectLimit) return Sum(m, n);
        if (m < DirectLimit) return Asymptotic(n) - Sum(0, m);
        return Log1P((double)(n - m) / m) + Tail(n) - Tail(m);
    }

    /// <summary>ln(1 + x) accurate for small x (Goldberg's correction: the rounding of 1 + x is divided
    /// out), which <c>double.LogP1</c> does not promise.</summary>
    internal static double Log1P(double x)
    {
        double u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }

    private static double Sum(long m, long n)
    {
        double s = 0;
        for (long r = n; r > m; r--) s += 1.0 / r;
        return s;
    }

    private const double EulerGamma = 0.57721566490153286061;

    private static double Asymptotic(long n) => Math.Log(n) + EulerGamma + Tail(n);

    private static double Tail(long n)
    {
        double x = n, x2 = x * x;
        return 1.0 / (2 * x) - 1.0 / (12 * x2) + 1.0 / (120 * x2 * x2);
    }
}
