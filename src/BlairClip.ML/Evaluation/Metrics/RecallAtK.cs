namespace BlairClip.ML.Evaluation.Metrics;

/// <summary>Recall@K with one relevant item: 1 when the held-out rank r ≤ K, else 0. Over equally likely ranks
/// first … last: #{r ≤ K} / (last − first + 1).</summary>
public class RecallAtK : RankingMetric
{
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive.</exception>
    public RecallAtK(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        K = k;
    }

    /// <summary>The cutoff.</summary>
    public int K { get; }

    public override string Name => $"Recall@{K}";

    protected override double MeanCore(long first, long last, long candidates)
    {
        long hits = Math.Max(0, Math.Min(last, K) - first + 1);
        return (double)hits / (last - first + 1);
    }
}

/// <summary>HitRate@K: the same value as <see cref="RecallAtK"/> when each user has one held-out item; kept
/// as a separate name because papers report it under either.</summary>
public sealed class HitRateAtK(int k) : RecallAtK(k)
{
    public override string Name => $"HitRate@{K}";
}
