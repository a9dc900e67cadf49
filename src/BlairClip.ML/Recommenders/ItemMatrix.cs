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
    private const int QueryChunk = 32, ItemBlock = 64;

    private readonly float[] _values;
    private readonly int[]? _indptr, _indices;
    private readonly Lazy<float[]>? _panels;
    private readonly Lazy<float>? _maxNorm;
    private readonly Lazy<(int[] Indptr, int[] Items, float[] Values)>? _transposed;

    private ItemMatrix(int rows, int dimension, float[] values, int[]? indptr, int[]? indices)
    {
        Rows = rows; Dimension = dimension; _values = values; _indptr = indptr; _indices = indices;
        if (indptr is null)
        {
            _panels = new(() => DenseScoreKernel.Pack(values, rows, dimension));
            _maxNorm = new(() => Enumerable.Range(0, rows).Select(r => TensorPrimitives.Norm(values.AsSpan(r * dimension, dimension))).DefaultIfEmpty(0).Max());
        }
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

    /// <summary>The parts' rows side by side (same row count): the part itself when there is one; dense when every part is
    /// and <paramref name="sparse"/> is false; else CSR (dense parts contribute every index, sparse ones their non-zeros).</summary>
    public static ItemMatrix Concat(IReadOnlyList<ItemMatrix> parts, bool sparse)
    {
        if (parts.Count == 1 && parts[0].IsDense != sparse) return parts[0];
        int rows = parts[0].Rows, dim = parts.Sum(p => p.Dimension);
        if (!sparse)
        {
            var dense = new float[(long)rows * dim];
            for (int r = 0; r < rows; r++)
            {
                int at = 0;
                foreach (var p in parts) { p.Row(r).CopyTo(dense.AsSpan((int)((long)r * dim + at))); at += p.Dimension; }
            }
            return FromDense(dim, dense);
        }
        var indptr = new int[rows + 1];
        var indices = new List<int>();
        var values = new List<float>();
        for (int r = 0; r < rows; r++)
        {
            int offset = 0;
            foreach (var p in parts)
            {
                var v = p.Row(r);
                if (p.IsDense) for (int d = 0; d < v.Length; d++) { indices.Add(offset + d); values.Add(v[d]); }
                else
                {
                    var idx = p.RowIndices(r);
                    for (int k = 0; k < v.Length; k++) { indices.Add(offset + idx[k]); values.Add(v[k]); }
                }
                offset += p.Dimension;
            }
            indptr[r + 1] = indices.Count;
        }
        return FromSparse(dim, indptr, [.. indices], [.. values]);
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
    public static unsafe float DotDense(ReadOnlySpan<float> item, ReadOnlySpan<float> profile)
    {
        if (item.Length != profile.Length) throw new ArgumentException($"item has {item.Length} values, profile {profile.Length}.");
        fixed (float* x = item)
        fixed (float* p = profile)
            return Dot(x, p, item.Length);
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

    /// <summary>Scratch space for <see cref="AppendMeanProfile"/>: one per thread, reused user after user.</summary>
    internal sealed class ProfileScratch(int dimension)
    {
        public readonly float[] Sum = new float[dimension];
        public readonly int[] Stamp = new int[dimension];
        public readonly List<int> Touched = new();
        public int Current;
    }

    /// <summary>The entries ≠ 0 (NaN kept, ±0 dropped) of <paramref name="history"/>'s mean profile of a sparse matrix,
    /// in ascending column order, appended to <paramref name="indices"/> and <paramref name="values"/>: the same floats
    /// as the dense row <see cref="MeanProfiles"/> computes — each column's values added in history order starting from
    /// 0, then divided by the history's length (IEEE division, as <see cref="TensorPrimitives.Divide(ReadOnlySpan{float}, float, Span{float})"/>) —
    /// without writing, dividing and scanning all <see cref="Dimension"/> columns (TF-IDF: ~100 of 5,000 are touched).</summary>
    /// <exception cref="ArgumentException">A history item is not a catalog index.</exception>
    public void AppendMeanProfile(UserQuery query, ProfileScratch scratch, List<int> indices, List<float> values)
    {
        if (IsDense) throw new InvalidOperationException("AppendMeanProfile is for sparse item matrices.");
        var history = query.History.Span;
        if (history.IsEmpty) return;
        if (++scratch.Current == int.MaxValue) { Array.Clear(scratch.Stamp); scratch.Current = 1; }
        int stamp = scratch.Current;
        var touched = scratch.Touched;
        touched.Clear();
        foreach (int item in history)
        {
            if ((uint)item >= (uint)Rows)
                throw new ArgumentException($"user {query.User}: history item {item} is not a catalog index (0 … {Rows - 1}).", nameof(query));
            for (int k = _indptr![item]; k < _indptr[item + 1]; k++)
            {
                int column = _indices![k];
                if (scratch.Stamp[column] != stamp) { scratch.Stamp[column] = stamp; scratch.Sum[column] = 0f; touched.Add(column); }
                scratch.Sum[column] += _values[k];
            }
        }
        touched.Sort();
        float length = history.Length;
        foreach (int column in touched)
        {
            float v = scratch.Sum[column] / length;
            if (v != 0) { indices.Add(column); values.Add(v); }
        }
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
                // Dense: parallel over item blocks, so each item row is read from memory once per query chunk
                // while all threads share the (small) profiles.
                int blocks = (Rows + ItemBlock - 1) / ItemBlock;
                long work = (long)queries * Rows * Dimension;
                if (work < 1 << 22 || Environment.ProcessorCount == 1)
                    for (int b = 0; b < blocks; b++) DenseBlock(b, profiles, queries, sp);
                else
                    Parallel.For(0, blocks, b => DenseBlock(b, profiles, queries, sp));
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
    /// to it (<see cref="Core.IRecommender.TryCountRanks"/>), exactly as the scores of <see cref="MultiplyRows"/> rank:
    /// dense through <see cref="DenseScoreKernel.Count"/> (higher = −1 for a query with a non-finite target: rank it
    /// from its row); sparse through the transposed matrix — each profile's non-zero
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
            // Both arithmetics are within γ_d Σ|p_k x_k| ≤ d·u·‖p‖·‖x‖ of the true dot product (Cauchy–Schwarz), plus one
            // rounding each for the bias: a margin of twice their sum, doubled again, is safe; only items within it are
            // scored again exactly.
            float maxBias = bias is null ? 0 : bias.Select(MathF.Abs).Where(float.IsFinite).DefaultIfEmpty(0).Max();
            var margins = new float[queries];
            for (int q = 0; q < queries; q++)
            {
                float pn = TensorPrimitives.Norm(profiles.AsSpan(q * Dimension, Dimension));
                float scale = pn * _maxNorm!.Value;
                margins[q] = 4 * DenseScoreKernel.UnitRoundoff * ((Dimension + 2) * scale + Math.Abs(targetScores[q]) + maxBias) + 1e-30f;
            }
            var values = _values;
            int dim = Dimension;
            float Exact(int q, int j)
            {
                float dot = DotDense(values.AsSpan(j * dim, dim), profiles.AsSpan(q * dim, dim));
                return bias is null ? dot : dot + bias[j];
            }
            DenseScoreKernel.Count(_panels!.Value, DenseScoreKernel.PadBias(bias, Rows), Rows, Dimension, profiles, queries, targetScores, margins, Exact, higher, equal);
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
                if (w != 0) Scatter(row, tItems, tValues, tIndptr[term], tIndptr[term + 1], w);
            }
            if (bias is not null) TensorPrimitives.Add(row, bias, row);
            (h[q], e[q]) = Evaluation.ScoreCounts.CountHigherEqual(row, t[q]);
            return row;
        }, _ => { });
        h.CopyTo(higher);
        e.CopyTo(equal);
    }

    /// <summary><c>row[items[k]] += values[k] * w</c> for k in [from, to): one term's postings (no bounds checks: the
    /// transposed matrix is built from this matrix's own indices).</summary>
    private static unsafe void Scatter(float[] row, int[] items, float[] values, int from, int to, float w)
    {
        fixed (float* r = row)
        fixed (int* it = items)
        fixed (float* v = values)
            for (int k = from; k < to; k++) r[it[k]] += v[k] * w;
    }

    /// <summary>The score of item <paramref name="item"/> against one profile, as <see cref="MultiplyRows"/> computes it.</summary>
    public float Score(int item, ReadOnlySpan<float> profile) => IsDense
        ? DotDense(_values.AsSpan(item * Dimension, Dimension), profile)
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

    private unsafe void DenseBlock(int block, float[] profiles, int queries, nint scores)
    {
        int dim = Dimension, j0 = block * ItemBlock, j1 = Math.Min(Rows, j0 + ItemBlock);
        float* s = (float*)scores;
        long n = Rows;
        Span<float> d = stackalloc float[8];
        fixed (float* items = _values)
        fixed (float* prof = profiles)
        {
            for (int q0 = 0; q0 < queries; q0 += QueryChunk)
            {
                int q1 = Math.Min(queries, q0 + QueryChunk);
                int j = j0;
                // 2 items × 4 queries per step: 6 vector loads feed 8 multiply-adds.
                for (; j + 2 <= j1; j += 2)
                {
                    float* x0 = items + j * (long)dim, x1 = x0 + dim;
                    int q = q0;
                    for (; q + 4 <= q1; q += 4)
                    {
                        Dot2x4(x0, x1, prof + q * (long)dim, dim, d);
                        for (int k = 0; k < 4; k++)
                        {
                            s[(q + k) * n + j] = d[k];
                            s[(q + k) * n + j + 1] = d[4 + k];
                        }
                    }
                    for (; q < q1; q++)
                    {
                        s[q * n + j] = Dot(x0, prof + q * (long)dim, dim);
                        s[q * n + j + 1] = Dot(x1, prof + q * (long)dim, dim);
                    }
                }
                for (; j < j1; j++)
                    for (int q = q0; q < q1; q++) s[q * n + j] = Dot(items + j * (long)dim, prof + q * (long)dim, dim);
            }
        }
    }

    // Every (item, query) pair is accumulated the same way — one 8-lane accumulator over the first dim − dim % 8
    // values, lane sum, then a scalar tail — in Dot and in Dot2x4, so a score is bit-identical whichever kernel
    // computed it: a user's scores do not depend on the batch.
    private static unsafe float Dot(float* x, float* p, int dim)
    {
        var a = Vector256<float>.Zero;
        int k = 0;
        for (; k + 8 <= dim; k += 8) a = Vector256.MultiplyAddEstimate(Vector256.Load(x + k), Vector256.Load(p + k), a);
        float sum = Vector256.Sum(a);
        for (; k < dim; k++) sum += x[k] * p[k];
        return sum;
    }

    /// <summary>d[0..4) = x0 · p0..p3, d[4..8) = x1 · p0..p3 (profiles consecutive rows of length dim).</summary>
    private static unsafe void Dot2x4(float* x0, float* x1, float* p0, int dim, Span<float> d)
    {
        float* p1 = p0 + dim, p2 = p1 + dim, p3 = p2 + dim;
        Vector256<float> a00 = default, a01 = default, a02 = default, a03 = default,
            a10 = default, a11 = default, a12 = default, a13 = default;
        int k = 0;
        for (; k + 8 <= dim; k += 8)
        {
            var u = Vector256.Load(x0 + k); var v = Vector256.Load(x1 + k);
            var w = Vector256.Load(p0 + k);
            a00 = Vector256.MultiplyAddEstimate(u, w, a00); a10 = Vector256.MultiplyAddEstimate(v, w, a10);
            w = Vector256.Load(p1 + k);
            a01 = Vector256.MultiplyAddEstimate(u, w, a01); a11 = Vector256.MultiplyAddEstimate(v, w, a11);
            w = Vector256.Load(p2 + k);
            a02 = Vector256.MultiplyAddEstimate(u, w, a02); a12 = Vector256.MultiplyAddEstimate(v, w, a12);
            w = Vector256.Load(p3 + k);
            a03 = Vector256.MultiplyAddEstimate(u, w, a03); a13 = Vector256.MultiplyAddEstimate(v, w, a13);
        }
        float s00 = Vector256.Sum(a00), s01 = Vector256.Sum(a01), s02 = Vector256.Sum(a02), s03 = Vector256.Sum(a03);
        float s10 = Vector256.Sum(a10), s11 = Vector256.Sum(a11), s12 = Vector256.Sum(a12), s13 = Vector256.Sum(a13);
        for (; k < dim; k++)
        {
            s00 += x0[k] * p0[k]; s01 += x0[k] * p1[k]; s02 += x0[k] * p2[k]; s03 += x0[k] * p3[k];
            s10 += x1[k] * p0[k]; s11 += x1[k] * p1[k]; s12 += x1[k] * p2[k]; s13 += x1[k] * p3[k];
        }
        d[0] = s00; d[1] = s01; d[2] = s02; d[3] = s03;
        d[4] = s10; d[5] = s11; d[6] = s12; d[7] = s13;
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
