namespace BlairClip.ML.Evaluation.Metrics;

/// <summary>NDCG@K with one relevant item: the ideal DCG is 1, so NDCG = [r ≤ K] / log2(r + 1). Over equally
/// likely ranks first … last: Σ_{r=first}^{min(last, K)} 1/log2(r + 1) / (last − first + 1), a loop of at
/// most K terms.</summary>
public sealed class NdcgAtK : RankingMetric
{
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive.</exception>
    public NdcgAtK(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        K = k;
    }

    /// <summary>The cutoff.</summary>
    public int K { get; }

    public override string Name => $"NDCG@{K}";

    protected override double MeanCore(long first, long last, long candidates)
    {
        long end = Math.Min(last, K);
        double sum = 0;
        // From the deepest rank upwards: small terms first keeps the sum accurate.
        for (long r = end; r >= first; r--) sum += 1.0 / Math.Log2(r + 1);
        return sum / (last - first + 1);
    }
}
