using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using BlairClip.ML.Core;
using BlairClip.ML.IO;
using BlairClip.ML.Models;

namespace BlairClip.ML.Recommenders;

/// <summary>The item vectors of a profile-scoring recommender (<see cref="ContentProfileModel"/>,
/// <see cref="EmbeddingModel"/>), <c>[Rows, Dimension]</c>: dense row-major or CSR. Holds the kernels both share —
/// mean-of-history profiles, and multiplying every row by a batch of profiles (sparse CSR or dense blocked GEMV) —
/// and the entry layout both write.</summary>
internal sealed class ItemMatrix
{
    private readonly float[] _values;
    private readonly int[]? _indptr, _indices;
    private readonly Lazy<float[]>? _panels;
    private readonly Lazy<(int[] Indptr, int[] Items, float[] Values)>? _transposed;

    private ItemMatrix(int rows, int dimension, float[] values, int[]? indptr, int[]? indices)
    {
        Rows = rows; Dimension = dimension; _values = values; _indptr = indptr; _indices = indices;
        if (indptr is null) _panels = new(() => DenseScoreKernel.Pack(values, rows, dimension));
        else _transposed = new(Transpose);
    }

    public int Rows { get; }
    public int Dimension { get; }
    public bool IsDense => _indptr is null;

    public static ItemMatrix FromDense(int dimension, float[] values) => new(values.Length / dimension, dimension, values, null, null);

    public static ItemMatrix FromSparse(int dimension, int[] indptr, int[] indices, float[] values) =>
        new(indptr.Length - 1, dimension, values, indptr, indices);

    /// <summary>The rows as a dense row-major <c>[Rows, Dimension]</c> array (a copy).</summary>
    public float[] ToDense()
    {
        if (IsDense) return (float[])_values.Clone();
        var dense = new float[(long)Rows * Dimension];
        for (int r = 0; r < Rows; r++)
            for (int k = _indptr![r]; k < _indptr[r + 1]; k++) dense[(long)r * Dimension + _indices![k]] = _values[k];
        return dense;
    }

    /// <summary><paramref name="view"/> with these rows added as column <paramref name="name"/> (dense or CSR, as stored;
    /// the arrays are shared, not copied).</summary>
    public DataViews.ColumnarDataView AddTo(DataViews.ColumnarDataView view, string name) => IsDense
        ? view.AddDense(name, Dimension, _values)
        : view.AddSparse(name, Dimension, _indptr!, _indices!, _values);

    /// <summary>Divides every non-zero row by its L2 norm.</summary>
    public void NormalizeRows()
    {
        for (int r = 0; r < Rows; r++)
        {
            var row = RowValues(r);
            float norm = TensorPrimitives.Norm(row);
            if (norm > 0) TensorPrimitives.Divide(row, norm, row);
        }
    }

    /// <summary>Row <paramref name="r"/>'s stored values: all <see cref="Dimension"/> values when dense, the non-zeros
    /// (in ascending index order, see <see cref="RowIndices"/>) when sparse.</summary>
    public ReadOnlySpan<float> Row(int r) => RowValues(r);

    /// <summary>Row <paramref name="r"/>'s column indices (sparse only; empty when dense).</summary>
    public ReadOnlySpan<int> RowIndices(int r) => IsDense ? default : _indices.AsSpan(_indptr![r], _indptr[r + 1] - _indptr[r]);

    /// <summary>The score of one (item, profile) pair exactly as <see cref="MultiplyRows"/> computes it for a dense
    /// matrix: <paramref name="item"/> and <paramref name="profile"/> have the same length.</summary>
    public static float DotDense(ReadOnlySpan<float> item, ReadOnlySpan<float> profile)
    {
        if (item.Length != profile.Length) throw new ArgumentException($"item has {item.Length} values, profile {profile.Length}.");
        return DenseScoreKernel.Dot(profile, item);
    }

    /// <summary>The score of one (item, profile) pair exactly as <see cref="MultiplyRows"/> computes it for a CSR
    /// matrix: the item's non-zeros (<paramref name="values"/> at <paramref name="indices"/>, ascending) times the
    /// dense <paramref name="profile"/>, summed in index order.</summary>
    public static float DotSparse(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<float> profile)
    {
        float sum = 0;
        for (int k = 0; k < values.Length; k++) sum += values[k] * profile[indices[k]];
        return sum;
    }

    private Span<float> RowValues(int r) => IsDense
        ? _values.AsSpan(r * Dimension, Dimension)
        : _values.AsSpan(_indptr![r], _indptr[r + 1] - _indptr[r]);

    /// <summary>Mean-of-history profiles <c>[queries.Length, Dimension]</c>: row q is
    /// <c>(1/|H_q|) Σ_{i∈H_q} x_i</c>, all zeros for an empty history.</summary>
    /// <exception cref="ArgumentException">A history item is not a row index.</exception>
    public float[] MeanProfiles(ReadOnlySpan<UserQuery> queries)
    {
        var profiles = new float[queries.Length * Dimension];
        for (int q = 0; q < queries.Length; q++)
        {
            var history = queries[q].History.Span;
            var profile = profiles.AsSpan(q * Dimension, Dimension);
            foreach (int item in history)
            {
                if ((uint)item >= (uint)Rows)
                    throw new ArgumentException($"query {q} (user {queries[q].User}): history item {item} is not a catalog index (0 … {Rows - 1}).", nameof(queries));
                AddRowTo(item, profile);
            }
            if (!history.IsEmpty) TensorPrimitives.Divide(profile, history.Length, profile);
        }
        return profiles;
    }

    /// <summary><c>profile += row r</c>; <paramref name="profile"/> is <c>[Dimension]</c>.</summary>
    public void AddRowTo(int r, Span<float> profile)
    {
        if (IsDense)
        {
            TensorPrimitives.Add(profile, _values.AsSpan(r * Dimension, Dimension), profile);
            return;
        }
        for (int k = _indptr![r]; k < _indptr[r + 1]; k++) profile[_indices![k]] += _values[k];
    }

    /// <summary><c>scores[q, j] = profiles[q] · row j</c> for <paramref name="queries"/> profiles
    /// (<c>[queries, Dimension]</c>) into <c>scores</c> <c>[queries, Rows]</c>. Each score is computed by the same
    /// arithmetic whatever the batch, so a user's scores do not depend on who else is in it.</summary>
    public unsafe void MultiplyRows(float[] profiles, int queries, Span<float> scores)
    {
        fixed (float* s = scores)
        {
            nint sp = (nint)s;
            if (IsDense)
            {
                DenseScoreKernel.Store(_panels!.Value, null, Rows, Dimension, profiles, queries, scores);
                return;
            }
            {
                long work = (long)queries * _values.Length;
                if (queries < 2 || work < 1 << 20 || Environment.ProcessorCount == 1)
                    for (int q = 0; q < queries; q++) SparseQuery(q, profiles, sp);
                else
                    Parallel.For(0, queries, q => SparseQuery(q, profiles, sp));
            }
        }
    }

    private unsafe void SparseQuery(int q, float[] profiles, nint scores)
    {
        var p = profiles.AsSpan(q * Dimension, Dimension);
        var row = new Span<float>((float*)scores + (long)q * Rows, Rows);
        var indptr = _indptr!; var indices = _indices!; var values = _values;
        // The same sum as DotSparse (the per-pair kernel of saved models), written over the whole arrays: slicing a
        // span per item cost 20% of TF-IDF evaluation. MLNetZipTests check the two agree bit for bit.
        for (int j = 0; j < Rows; j++)
        {
            float sum = 0;
            for (int k = indptr[j]; k < indptr[j + 1]; k++) sum += values[k] * p[indices[k]];
            row[j] = sum;
        }
    }

    /// <summary>For each query q (profile row q of <paramref name="profiles"/>, <c>[queries, Dimension]</c>): the score of
    /// <paramref name="targets"/>[q] plus <paramref name="bias"/> (null: none), and how many items score above and equal
    /// to it (<see cref="Core.IRecommender.TryCountRanks"/>), by exactly the arithmetic of <see cref="MultiplyRows"/>:
    /// dense through <see cref="DenseScoreKernel.Count"/>; sparse through the transposed matrix — each profile's non-zero
    /// terms in ascending order add their postings into one row of scores, which sums every item's terms in the same
    /// order as <see cref="DotSparse"/> (terms missing from the profile add only zeros).</summary>
    public void CountRanks(float[] profiles, int queries, ReadOnlySpan<int> targets, float[]? bias, Span<float> targetScores, Span<int> higher, Span<int> equal)
    {
        for (int q = 0; q < queries; q++)
        {
            var p = profiles.AsSpan(q * Dimension, Dimension);
            targetScores[q] = Score(targets[q], p) + (bias is null ? 0 : bias[targets[q]]);
        }
        if (IsDense)
        {
            DenseScoreKernel.Count(_panels!.Value, DenseScoreKernel.PadBias(bias, Rows), Rows, Dimension, profiles, queries, targetScores, higher, equal);
            return;
        }
        var (tIndptr, tItems, tValues) = _transposed!.Value;
        var h = new int[queries];
        var e = new int[queries];
        var t = targetScores[..queries].ToArray();
        Parallel.For(0, queries, () => new float[Rows], (q, _, row) =>
        {
            Array.Clear(row);
            var p = profiles.AsSpan(q * Dimension, Dimension);
            for (int term = 0; term < Dimension; term++)
            {
                float w = p[term];
                if (w == 0) continue;
                for (int k = tIndptr[term]; k < tIndptr[term + 1]; k++) row[tItems[k]] += tValues[k] * w;
            }
            if (bias is not null) TensorPrimitives.Add(row, bias, row);
            (h[q], e[q]) = Evaluation.ScoreCounts.CountHigherEqual(row, t[q]);
            return row;
        }, _ => { });
        h.CopyTo(higher);
        e.CopyTo(equal);
    }

    /// <summary>The score of item <paramref name="item"/> against one profile, as <see cref="MultiplyRows"/> computes it.</summary>
    public float Score(int item, ReadOnlySpan<float> profile) => IsDense
        ? DenseScoreKernel.Dot(profile, _values.AsSpan(item * Dimension, Dimension))
        : DotSparse(RowIndices(item), Row(item), profile);

    /// <summary>CSR of the transpose: for each term, the items holding it (ascending) and their values.</summary>
    private (int[] Indptr, int[] Items, float[] Values) Transpose()
    {
        var indptr = new int[Dimension + 1];
        foreach (int d in _indices!) indptr[d + 1]++;
        for (int d = 0; d < Dimension; d++) indptr[d + 1] += indptr[d];
        var next = (int[])indptr.Clone();
        var items = new int[_indices.Length];
        var values = new float[_indices.Length];
        for (int r = 0; r < Rows; r++)
            for (int k = _indptr![r]; k < _indptr[r + 1]; k++)
            {
                int slot = next[_indices[k]]++;
                items[slot] = r;
                values[slot] = _values[k];
            }
        return (indptr, items, values);
    }

    /// <summary>Writes properties <c>{prefix}layout</c> ("dense" | "sparse"), <c>{prefix}dimension</c>,
    /// <c>{prefix}items</c> and tensors, dense: <c>{prefix}items</c> F32 [items, dim]; sparse: <c>{prefix}indptr</c>
    /// I32 [items + 1], <c>{prefix}indices</c> I32 [nnz], <c>{prefix}values</c> F32 [nnz].</summary>
    public void Save(EntryWriter context, string prefix = "")
    {
        var p = context.Properties;
        p[prefix + "layout"] = IsDense ? "dense" : "sparse";
        p[prefix + "dimension"] = Dimension;
        p[prefix + "items"] = Rows;
        var tensors = context.Tensors;
        if (IsDense)
        {
            tensors.Add<float>(prefix + "items", _values, Rows, Dimension);
            return;
        }
        tensors.Add<int>(prefix + "indptr", _indptr, _indptr!.Length);
        tensors.Add<int>(prefix + "indices", _indices, _indices!.Length);
        tensors.Add<float>(prefix + "values", _values, _values.Length);
    }

    /// <summary>Reads what <see cref="Save"/> wrote with the same <paramref name="prefix"/>.</summary>
    /// <exception cref="InvalidDataException">Unknown layout, or tensor sizes that disagree with the properties.</exception>
    public static ItemMatrix Load(EntryReader context, string prefix = "")
    {
        var layout = context.Get<string>(prefix + "layout");
        int dim = context.Get<int>(prefix + "dimension"), rows = context.Get<int>(prefix + "items");
        if (layout == "dense")
        {
            var values = context.Tensors.Get<float>(prefix + "items");
            if (dim <= 0 || values.Length != (long)rows * dim)
                throw new InvalidDataException($"{context.Entry}: tensor '{prefix}items' has {values.Length} values, expected items × dimension = {rows} × {dim}.");
            return FromDense(dim, values);
        }
        if (layout == "sparse")
        {
            var indptr = context.Tensors.Get<int>(prefix + "indptr");
            var indices = context.Tensors.Get<int>(prefix + "indices");
            var values = context.Tensors.Get<float>(prefix + "values");
            if (indptr.Length != rows + 1 || indptr[0] != 0 || indptr[^1] != indices.Length || indices.Length != values.Length)
                throw new InvalidDataException($"{context.Entry}: CSR tensors '{prefix}…' disagree: indptr has {indptr.Length} entries (expected {rows + 1}, ending at {indices.Length}), indices {indices.Length}, values {values.Length}.");
            foreach (int i in indices)
                if ((uint)i >= (uint)dim)
                    throw new InvalidDataException($"{context.Entry}: tensor '{prefix}indices' holds {i}, outside the dimension {dim}.");
            return FromSparse(dim, indptr, indices, values);
        }
        throw new InvalidDataException($"{context.Entry}: property '{prefix}layout' must be 'dense' or 'sparse', but was '{layout}'.");
    }
}
