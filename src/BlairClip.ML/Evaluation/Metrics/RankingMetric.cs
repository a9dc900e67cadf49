using System.Globalization;
using BlairClip.ML.Core;

namespace BlairClip.ML.Evaluation.Metrics;

/// <summary>A metric of the rank of one held-out item among a user's candidates (one relevant item per user).
/// Every metric is evaluated as the mean over a range of equally likely ranks, which covers the three tie
/// rules: optimistic and pessimistic pass a single rank, average passes h + 1 … h + e + 1.</summary>
public abstract class RankingMetric
{
    /// <summary>The canonical name, used as the column name in results (e.g. <c>NDCG@10</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Whether a larger value means a better ranking (true for every metric here).</summary>
    public virtual bool HigherIsBetter => true;

    /// <summary>The mean of the metric when the held-out rank is uniform over
    /// <paramref name="first"/> … <paramref name="last"/> (1-based, inclusive) among
    /// <paramref name="candidates"/> candidates (the held-out item included).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Unless 1 ≤ first ≤ last ≤ candidates.</exception>
    public double Mean(long first, long last, long candidates)
    {
        if (first < 1 || last < first || last > candidates)
            throw new ArgumentOutOfRangeException(nameof(first),
                $"{Name}: ranks must satisfy 1 ≤ first ≤ last ≤ candidates, but were first={first}, last={last}, candidates={candidates}.");
        return MeanCore(first, last, candidates);
    }

    /// <summary>The metric at a single <paramref name="rank"/>.</summary>
    public double Value(long rank, long candidates) => Mean(rank, rank, candidates);

    /// <summary><see cref="Mean"/> with validated arguments.</summary>
    protected abstract double MeanCore(long first, long last, long candidates);

    public override string ToString() => Name;

    /// <summary>The metric names <see cref="Parse"/> accepts, K standing for a positive integer.</summary>
    public static IReadOnlyList<string> KnownNames { get; } = ["Recall@K", "HitRate@K", "NDCG@K", "MRR", "AUC"];

    /// <summary>Parses a metric name, case-insensitively: <c>Recall@K</c>, <c>HitRate@K</c>, <c>NDCG@K</c>,
    /// <c>MRR</c>, <c>AUC</c>.</summary>
    /// <exception cref="InvalidOptionException">Unknown name or a K that is not a positive integer; the message
    /// names the option <c>metrics</c>, the value and the known names.</exception>
    public static RankingMetric Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = name.Trim();
        int at = text.IndexOf('@');
        var head = at < 0 ? text : text[..at];
        if (at < 0)
        {
            if (head.Equals("MRR", StringComparison.OrdinalIgnoreCase)) return new ReciprocalRank();
            if (head.Equals("AUC", StringComparison.OrdinalIgnoreCase)) return new Auc();
        }
        else
        {
            bool validK = int.TryParse(text.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k > 0;
            bool cutoffName = head.Equals("Recall", StringComparison.OrdinalIgnoreCase)
                || head.Equals("HitRate", StringComparison.OrdinalIgnoreCase)
                || head.Equals("NDCG", StringComparison.OrdinalIgnoreCase);
            if (cutoffName && !validK)
                throw new InvalidOptionException("metrics", name, $"must give {head}@K a positive integer K");
            if (head.Equals("Recall", StringComparison.OrdinalIgnoreCase)) return new RecallAtK(k);
            if (head.Equals("HitRate", StringComparison.OrdinalIgnoreCase)) return new HitRateAtK(k);
            if (head.Equals("NDCG", StringComparison.OrdinalIgnoreCase)) return new NdcgAtK(k);
        }
        throw new InvalidOptionException("metrics", name,
            $"must name a known metric ({string.Join(", ", KnownNames)}; case-insensitive, K a positive integer)");
    }
}
