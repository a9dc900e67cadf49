using BlairClip.ML.Core;
using BlairClip.ML.Models;

namespace BlairClip.ML.Tests.Evaluation;

/// <summary>A recommender whose score rows are given per user (users without a row get <see cref="Default"/>);
/// records every batch it is asked to score so tests can check batching and queries.</summary>
internal sealed class FakeRecommender(int itemCount, IReadOnlyDictionary<int, float[]> rows) : IRecommender
{
    public int ItemCount { get; } = itemCount;
    public float Default { get; init; }
    public List<UserQuery[]> Batches { get; } = new();

    public void Score(ReadOnlySpan<UserQuery> queries, Span<float> scores)
    {
        if (scores.Length != queries.Length * ItemCount)
            throw new ArgumentException($"scores has {scores.Length} entries, expected {queries.Length} × {ItemCount}.");
        Batches.Add(queries.ToArray());
        for (int q = 0; q < queries.Length; q++)
        {
            var row = scores.Slice(q * ItemCount, ItemCount);
            if (rows.TryGetValue(queries[q].User, out var given)) given.CopyTo(row);
            else row.Fill(Default);
        }
    }
}
