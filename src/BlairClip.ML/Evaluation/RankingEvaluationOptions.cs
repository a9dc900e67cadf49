namespace BlairClip.ML.Evaluation;

/// <summary>How the held-out item is ranked among candidates with exactly its score.</summary>
public enum TieRule
{
    /// <summary>The held-out item goes before every tied candidate: rank = h + 1.</summary>
    Optimistic,

    /// <summary>Tied candidates are ordered uniformly at random and the exact expected metric is reported: the
    /// rank is uniform over h + 1 … h + e + 1, so E[rank] = h + 1 + e/2.</summary>
    Average,

    /// <summary>The held-out item goes after every tied candidate: rank = h + e + 1.</summary>
    Pessimistic,
}

/// <summary>How the evaluator gets each held-out item's rank.</summary>
public enum RankingPath
{
    /// <summary>The model's own fast path where it has one: user-independent scores ranked from one sorted copy;
    /// dense and TF-IDF models counting in their kernels (<see cref="Core.IRecommender.TryCountRanks"/>). Same ranks
    /// as <see cref="ScoreRows"/>, tested.</summary>
    Fast,
    /// <summary>Score every catalog item for a batch of users into a buffer, then count (the reference path).</summary>
    ScoreRows,
}

/// <summary>Options of <see cref="RankingEvaluator"/> (YAML section <c>evaluation:</c>).</summary>
public sealed record RankingEvaluationOptions
{
    /// <summary>(bool, <c>exclude_history</c>) Drop the user's history items from the candidates; the held-out
    /// item always stays a candidate, even when it is also in the history.</summary>
    public bool ExcludeHistory { get; init; } = true;

    /// <summary>(optimistic | average | pessimistic, <c>ties</c>) How candidates scoring exactly like the
    /// held-out item are ranked; see <see cref="TieRule"/>.</summary>
    public TieRule Ties { get; init; } = TieRule.Optimistic;

    /// <summary>(list of names, <c>metrics</c>) Metrics to report, in this order: <c>Recall@K</c>,
    /// <c>HitRate@K</c>, <c>NDCG@K</c>, <c>MRR</c>, <c>AUC</c> (case-insensitive, K a positive integer).</summary>
    public IReadOnlyList<string> Metrics { get; init; } = ["Recall@10", "Recall@50", "NDCG@10", "NDCG@50", "MRR", "AUC"];

    /// <summary>(int, <c>batch_size</c>) Users scored per call to the model; the evaluator holds one
    /// <c>[batch_size, items]</c> float buffer.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>(string?, <c>baseline</c>) A model name: every other model is compared with it on per-user values (paired
    /// t-test and Wilcoxon signed-rank, Holm-corrected across models) and the table marks significant wins and losses.
    /// Not used by the evaluator itself; the study runner reports it.</summary>
    public string? Baseline { get; init; }

    /// <summary>(mapping, <c>slices</c>) Sub-tables of the test users: held-out item cold/warm, user activity buckets,
    /// item popularity buckets (see <see cref="Reporting.SliceOptions"/>); null = none. Reported by the study runner.</summary>
    public Reporting.SliceOptions? Slices { get; init; }

    /// <summary>(fast | score_rows, <c>path</c>) How ranks are computed; both give the same ranks (<see cref="RankingPath"/>).</summary>
    public RankingPath Path { get; init; } = RankingPath.Fast;
}
