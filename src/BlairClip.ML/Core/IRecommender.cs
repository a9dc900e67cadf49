namespace BlairClip.ML.Core;

/// <summary>One user to score: a known user index (or -1 for an unknown user) and the items the user
/// interacted with (item indices; the training history for known users).</summary>
public readonly record struct UserQuery(int User, ReadOnlyMemory<int> History);

/// <summary>The batched full-catalog scorer behind the shared evaluator: scores every catalog item for a batch of
/// users, higher is better. The evaluator and <c>recommend</c> both rank by these scores, so they agree by
/// construction. (ML.NET has no notion of it: its transformers score one row at a time.)</summary>
public interface IRecommender
{
    /// <summary>Catalog size; scores rows have this length.</summary>
    int ItemCount { get; }

    /// <summary>Fills <paramref name="scores"/> (<c>[queries.Length, ItemCount]</c>, row-major) with a score per
    /// item for each query. Must not mask history: the evaluator does that.</summary>
    /// <exception cref="NotSupportedException">The model cannot score a query of that kind (e.g. an unknown user
    /// for a model without a fold-in rule); the message says which queries it supports.</exception>
    void Score(ReadOnlySpan<UserQuery> queries, Span<float> scores);

    /// <summary>The evaluator's fast path, for models that can rank without writing score rows: for each query q, with
    /// t_q the score of <paramref name="targets"/>[q], sets <paramref name="higher"/>[q] = #{items scoring &gt; t_q} and
    /// <paramref name="equal"/>[q] = #{items scoring = t_q} (the target included) over the whole catalog, by exactly the
    /// arithmetic of <see cref="Score"/> (IEEE comparisons: a NaN score counts in neither). A query the model cannot
    /// count may get higher = −1: the evaluator then ranks it from its scored row.</summary>
    /// <returns>False when this model (or this configuration of it) has no such path: the evaluator then scores rows.</returns>
    bool TryCountRanks(ReadOnlySpan<UserQuery> queries, ReadOnlySpan<int> targets, Span<float> targetScores, Span<int> higher, Span<int> equal) => false;

    /// <summary>The scores of <paramref name="items"/> for one query, bit-identical to those <see cref="Score"/> gives
    /// (the evaluator looks up history items with it on its fast path). The default scores the whole row.</summary>
    void ScoreItems(UserQuery query, ReadOnlySpan<int> items, Span<float> scores) => ScoreItemsFromRow(this, query, items, scores);

    /// <summary><see cref="ScoreItems"/> by scoring <paramref name="model"/>'s whole row for the query.</summary>
    static void ScoreItemsFromRow(IRecommender model, UserQuery query, ReadOnlySpan<int> items, Span<float> scores)
    {
        var row = new float[model.ItemCount];
        model.Score([query], row);
        for (int k = 0; k < items.Length; k++) scores[k] = row[items[k]];
    }

    /// <summary>When every query gets the same scores (popularity, a constant), those scores, so the evaluator ranks
    /// from one sorted copy in O(log items + history) per user; empty otherwise.</summary>
    ReadOnlyMemory<float> UserIndependentScores => default;
}
