using System.Runtime.Intrinsics;
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

    /// <summary>Most floats of profile rows one <c>profiles</c> call returns (64 KB): 256 users of 64-d factors, 3 users
    /// of 5,000-d TF-IDF — a larger dense scratch would be a large-object allocation per call, and at Appliances scale
    /// (1.8 M users) those trigger hundreds of full collections.</summary>
    private const int CallFloats = 16_384;
    private const int MaxUsersPerCall = 256;

    /// <summary>The user side of a profile recommender: row u is <paramref name="profiles"/> of the query
    /// (u, <paramref name="histories"/>[u]) — the very rows <see cref="IRecommender.Score"/> multiplies — computed a
    /// few users at a time and stored dense, or as CSR of the non-zeros when <paramref name="sparse"/>.</summary>
    public static ItemMatrix Profiles(UserHistories histories, int dimension, bool sparse, Func<UserQuery[], float[]> profiles) =>
        Profiles(histories, [(dimension, sparse)], q => [profiles(q)])[0];

    /// <summary><see cref="Profiles(UserHistories, int, bool, Func{UserQuery[], float[]})"/> for several parts whose
    /// profiles one call computes together (e.g. every modality of an embedding model), each with its own layout.
    /// The calls run on all cores (<paramref name="profiles"/> must only read shared state); rows are stored in user
    /// order.</summary>
    public static ItemMatrix[] Profiles(UserHistories histories, (int Dimension, bool Sparse)[] layouts, Func<UserQuery[], float[][]> profiles)
    {
        int perCall = Math.Clamp(CallFloats / Math.Max(1, layouts.Sum(l => l.Dimension)), 1, MaxUsersPerCall);
        var parts = layouts.Select(l => new PartBuilder(l.Dimension, l.Sparse, histories.UserCount)).ToArray();
        return InCalls(histories.UserCount, perCall, 64, parts, () => (object?)null, (u0, count, _) =>
        {
            var queries = new UserQuery[count];
            for (int k = 0; k < count; k++) queries[k] = new UserQuery(u0 + k, histories.Memory(u0 + k));
            var rows = profiles(queries);
            return parts.Select((part, m) => part.Convert(u0, count, rows[m])).ToArray();
        });
    }

    /// <summary>The mean-of-history profiles of a sparse item matrix as CSR, computed sparsely
    /// (<see cref="ItemMatrix.AppendMeanProfile"/>): the rows <see cref="Profiles(UserHistories, int, bool, Func{UserQuery[], float[]})"/>
    /// gives for <see cref="ItemMatrix.MeanProfiles"/>, bit for bit, without a dense row per user (TF-IDF at Appliances
    /// scale: 1.8 M × 5,000 floats written, divided and scanned).</summary>
    public static ItemMatrix SparseMeanProfiles(UserHistories histories, ItemMatrix items)
    {
        var part = new PartBuilder(items.Dimension, sparse: true, histories.UserCount);
        return InCalls(histories.UserCount, 2048, 16, [part], () => new ItemMatrix.ProfileScratch(items.Dimension), (u0, count, scratch) =>
            [PartBuilder.SparsePiece(count, (k, indices, values) =>
                items.AppendMeanProfile(new UserQuery(u0 + k, histories.Memory(u0 + k)), scratch, indices, values))])[0];
    }

    /// <summary>Users in calls of <paramref name="perCall"/>, <paramref name="groupPerCore"/> calls per core at a time
    /// computed in parallel (<paramref name="call"/>: first user, count, the thread's scratch → one piece per part), the
    /// pieces appended in user order: memory stays bounded by a group.</summary>
    private static ItemMatrix[] InCalls<TScratch>(int users, int perCall, int groupPerCore, PartBuilder[] parts, Func<TScratch> scratch,
        Func<int, int, TScratch, PartBuilder.Piece[]> call)
    {
        int calls = (users + perCall - 1) / perCall, group = groupPerCore * Environment.ProcessorCount;
        var pieces = new PartBuilder.Piece[group][];
        for (int c0 = 0; c0 < calls; c0 += group)
        {
            int n = Math.Min(group, calls - c0);
            Parallel.For(0, n, scratch, (c, _, local) =>
            {
                int u0 = (c0 + c) * perCall;
                pieces[c] = call(u0, Math.Min(perCall, users - u0), local);
                return local;
            }, _ => { });
            for (int c = 0; c < n; c++)
                for (int m = 0; m < parts.Length; m++) parts[m].Append(pieces[c][m]);
        }
        return parts.Select(p => p.Build()).ToArray();
    }

    /// <summary>One part's user rows, dense or as CSR of the non-zeros.</summary>
    private sealed class PartBuilder(int dimension, bool sparse, int users)
    {
        private readonly float[]? _dense = sparse ? null : new float[(long)users * dimension];
        private readonly List<int> _indptr = [0], _indices = [];
        private readonly List<float> _values = [];

        /// <summary>Some users' rows in this part's layout: dense rows are copied into place at once (each call owns its
        /// users' range); sparse ones become the rows' non-zero counts, columns and values, appended later in order.</summary>
        public readonly record struct Piece(int[]? Counts, int[]? Indices, float[]? Values);

        public Piece Convert(int first, int count, float[] rows)
        {
            if (_dense is not null) { Array.Copy(rows, 0, _dense, (long)first * dimension, (long)count * dimension); return default; }
            return SparsePiece(count, (k, indices, values) => AppendNonZeros(rows.AsSpan(k * dimension, dimension), indices, values));
        }

        /// <summary>The piece of <paramref name="count"/> sparse rows, row k's entries appended by
        /// <paramref name="appendRow"/>(k, columns, values).</summary>
        public static Piece SparsePiece(int count, Action<int, List<int>, List<float>> appendRow)
        {
            var counts = new int[count];
            var indices = new List<int>();
            var values = new List<float>();
            for (int k = 0; k < count; k++)
            {
                int before = indices.Count;
                appendRow(k, indices, values);
                counts[k] = indices.Count - before;
            }
            return new Piece(counts, [.. indices], [.. values]);
        }

        public void Append(Piece piece)
        {
            if (piece.Counts is null) return;
            _indices.AddRange(piece.Indices!);
            _values.AddRange(piece.Values!);
            int end = _indptr[^1];
            foreach (int c in piece.Counts) _indptr.Add(end += c);
        }

        /// <summary>The columns and values of <paramref name="row"/>'s entries ≠ 0 (NaN kept, ±0 dropped), ascending: a
        /// vector compare against zero per 8 or 16 columns, so a 5,000-column row with ~50 non-zeros is not read one
        /// float at a time.</summary>
        private static void AppendNonZeros(ReadOnlySpan<float> row, List<int> indices, List<float> values)
        {
            int d = 0;
            if (Vector256.IsHardwareAccelerated)
                for (; d + 8 <= row.Length; d += 8)
                {
                    uint zero = Vector256.Equals(Vector256.Create(row[d..]), Vector256<float>.Zero).ExtractMostSignificantBits();
                    for (uint nonZero = ~zero & 0xFF; nonZero != 0; nonZero &= nonZero - 1)
                    {
                        int at = d + System.Numerics.BitOperations.TrailingZeroCount(nonZero);
                        indices.Add(at); values.Add(row[at]);
                    }
                }
            for (; d < row.Length; d++)
                if (row[d] != 0) { indices.Add(d); values.Add(row[d]); }
        }

        public ItemMatrix Build() => _dense is not null ? ItemMatrix.FromDense(dimension, _dense)
            : ItemMatrix.FromSparse(dimension, [.. _indptr], [.. _indices], [.. _values]);
    }
}
