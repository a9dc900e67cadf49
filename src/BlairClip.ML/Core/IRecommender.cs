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
}
