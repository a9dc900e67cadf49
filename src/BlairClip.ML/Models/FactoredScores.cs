using BlairClip.ML.Core;
using BlairClip.ML.Recommenders;

namespace BlairClip.ML.Models;

/// <summary>One term of <see cref="FactoredScores"/>: a vector per known user and a vector per item, the same
/// dimension. <see cref="Items"/> is the matrix the recommender scores with, so its layout (dense or CSR) picks the
/// kernel; <see cref="Users"/> is CSR exactly when <see cref="Items"/> is (sparse profiles stay sparse).</summary>
internal sealed record FactoredPart(ItemMatrix Users, ItemMatrix Items);

/// <summary>A recommender's scores for its known users written one (user, item) pair at a time:
/// <c>score(u, i) = Σ_m Users_m[u] · Items_m[i] + ItemBias[i]</c> (terms added in order, starting from 0; a bias of
/// −∞ marks an item that is never recommended). Every product is computed by the kernel
/// <see cref="ItemMatrix.MultiplyRows"/> uses for that layout (<see cref="ItemMatrix.DotDense"/>,
/// <see cref="ItemMatrix.DotSparse"/>), so a pair's score is bit-identical to the recommender's batched
/// <see cref="IRecommender.Score"/>. This is what the ML.NET part of a model zip stores (<see cref="MLNetScoring"/>).</summary>
internal sealed class FactoredScores
{
    public FactoredScores(IReadOnlyList<FactoredPart> parts, float[]? itemBias)
    {
        if (parts.Count == 0) throw new ArgumentException("At least one part is needed.", nameof(parts));
        int users = parts[0].Users.Rows, items = parts[0].Items.Rows;
        foreach (var p in parts)
            if (p.Users.Rows != users || p.Items.Rows != items || p.Users.Dimension != p.Items.Dimension || p.Users.IsDense != p.Items.IsDense)
                throw new ArgumentException($"Parts disagree: users {p.Users.Rows}×{p.Users.Dimension} ({(p.Users.IsDense ? "dense" : "sparse")}), items {p.Items.Rows}×{p.Items.Dimension} ({(p.Items.IsDense ? "dense" : "sparse")}), expected {users} users and {items} items.");
        if (itemBias is not null && itemBias.Length != items)
            throw new ArgumentException($"Item bias has {itemBias.Length} values for {items} items.", nameof(itemBias));
        Parts = parts; ItemBias = itemBias;
    }

    public IReadOnlyList<FactoredPart> Parts { get; }
    /// <summary>Added after the products; null = none.</summary>
    public float[]? ItemBias { get; }
    public int UserCount => Parts[0].Users.Rows;
    public int ItemCount => Parts[0].Items.Rows;

    /// <summary>Users per <see cref="Profiles"/> call: bounds the dense scratch of wide (TF-IDF) profiles.</summary>
    private const int UserChunk = 256;

    /// <summary>The user side of a profile recommender: row u is <paramref name="profiles"/> of the query
    /// (u, <paramref name="histories"/>[u]) — the very rows <see cref="IRecommender.Score"/> multiplies — computed a
    /// chunk of users at a time and stored dense, or as CSR of the non-zeros when <paramref name="sparse"/>.</summary>
    public static ItemMatrix Profiles(UserHistories histories, int dimension, bool sparse, Func<UserQuery[], float[]> profiles) =>
        Profiles(histories, [(dimension, sparse)], q => [profiles(q)])[0];

    /// <summary><see cref="Profiles(UserHistories, int, bool, Func{UserQuery[], float[]})"/> for several parts whose
    /// profiles one call computes together (e.g. every modality of an embedding model), each with its own layout.</summary>
    public static ItemMatrix[] Profiles(UserHistories histories, (int Dimension, bool Sparse)[] layouts, Func<UserQuery[], float[][]> profiles)
    {
        int users = histories.UserCount;
        var parts = layouts.Select(l => new PartBuilder(l.Dimension, l.Sparse, users)).ToArray();
        for (int u0 = 0; u0 < users; u0 += UserChunk)
        {
            int n = Math.Min(UserChunk, users - u0);
            var queries = new UserQuery[n];
            for (int k = 0; k < n; k++) queries[k] = new UserQuery(u0 + k, histories.Memory(u0 + k));
            var rows = profiles(queries);
            for (int m = 0; m < parts.Length; m++) parts[m].Add(u0, n, rows[m]);
        }
        return parts.Select(p => p.Build()).ToArray();
    }

    /// <summary>One part's user rows, dense or as CSR of the non-zeros.</summary>
    private sealed class PartBuilder(int dimension, bool sparse, int users)
    {
        private readonly float[]? _dense = sparse ? null : new float[(long)users * dimension];
        private readonly List<int> _indptr = [0], _indices = [];
        private readonly List<float> _values = [];

        public void Add(int first, int count, float[] rows)
        {
            if (_dense is not null) { Array.Copy(rows, 0, _dense, (long)first * dimension, (long)count * dimension); return; }
            for (int k = 0; k < count; k++)
            {
                var row = rows.AsSpan(k * dimension, dimension);
                for (int d = 0; d < dimension; d++)
                    if (row[d] != 0) { _indices.Add(d); _values.Add(row[d]); }
                _indptr.Add(_indices.Count);
            }
        }

        public ItemMatrix Build() => _dense is not null ? ItemMatrix.FromDense(dimension, _dense)
            : ItemMatrix.FromSparse(dimension, [.. _indptr], [.. _indices], [.. _values]);
    }
}
