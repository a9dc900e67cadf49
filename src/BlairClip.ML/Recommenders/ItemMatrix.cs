using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using BlairClip.ML.IO;
using BlairClip.ML.Models;

namespace BlairClip.ML.Recommenders;

/// <summary>The item vectors of <see cref="ContentProfileModel"/>, <c>[Rows, Dimension]</c>: dense row-major or CSR.
/// Holds the two kernels scoring needs — add a row to a profile, and multiply every row by a batch of profiles.</summary>
internal sealed class ItemMatrix
{
    private const int QueryChunk = 32, ItemBlock = 64;

    private readonly float[] _values;
    private readonly int[]? _indptr, _indices;

    private ItemMatrix(int rows, int dimension, float[] values, int[]? indptr, int[]? indices)
    {
        Rows = rows; Dimension = dimension; _values = values; _indptr = indptr; _indices = indices;
    }

    public int Rows { get; }
    public int Dimension { get; }
    public bool IsDense => _indptr is null;

    public static ItemMatrix FromDense(int dimension, float[] values) => new(values.Length / dimension, dimension, values, null, null);

    public static ItemMatrix FromSparse(int dimension, int[] indptr, int[] indices, float[] values) =>
        new(indptr.Length - 1, dimension, values, indptr, indices);

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

    private Span<float> RowValues(int r) => IsDense
        ? _values.AsSpan(r * Dimension, Dimension)
        : _values.AsSpan(_indptr![r], _indptr[r + 1] - _indptr[r]);

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
            }
            else
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
        for (int j = 0; j < Rows; j++)
        {
            float sum = 0;
            for (int k = indptr[j]; k < indptr[j + 1]; k++) sum += values[k] * p[indices[k]];
            row[j] = sum;
        }
    }

    private unsafe void DenseBlock(int block, float[] profiles, int queries, nint scores)
    {
        int dim = Dimension, j0 = block * ItemBlock, j1 = Math.Min(Rows, j0 + ItemBlock);
        float* s = (float*)scores;
        fixed (float* items = _values)
        fixed (float* prof = profiles)
        {
            for (int q0 = 0; q0 < queries; q0 += QueryChunk)
            {
                int q1 = Math.Min(queries, q0 + QueryChunk);
                for (int j = j0; j < j1; j++)
                {
                    float* x = items + (long)j * dim;
                    int q = q0;
                    for (; q + 4 <= q1; q += 4)
                    {
                        Dot4(x, prof + (long)q * dim, dim, out var d0, out var d1, out var d2, out var d3);
                        s[(long)q * Rows + j] = d0;
                        s[(long)(q + 1) * Rows + j] = d1;
                        s[(long)(q + 2) * Rows + j] = d2;
                        s[(long)(q + 3) * Rows + j] = d3;
                    }
                    for (; q < q1; q++) s[(long)q * Rows + j] = Dot1(x, prof + (long)q * dim, dim);
                }
            }
        }
    }

    // Dot1 and Dot4 use the same accumulation order (two 8-lane accumulators, lane sum, scalar tail), so a score
    // is bit-identical whether its query landed in a group of four or in the remainder.
    private static unsafe float Dot1(float* x, float* p, int dim)
    {
        var a0 = Vector256<float>.Zero; var a1 = Vector256<float>.Zero;
        int k = 0;
        for (; k + 16 <= dim; k += 16)
        {
            a0 = Vector256.MultiplyAddEstimate(Vector256.Load(x + k), Vector256.Load(p + k), a0);
            a1 = Vector256.MultiplyAddEstimate(Vector256.Load(x + k + 8), Vector256.Load(p + k + 8), a1);
        }
        if (k + 8 <= dim) { a0 = Vector256.MultiplyAddEstimate(Vector256.Load(x + k), Vector256.Load(p + k), a0); k += 8; }
        float sum = Vector256.Sum(a0 + a1);
        for (; k < dim; k++) sum += x[k] * p[k];
        return sum;
    }

    private static unsafe void Dot4(float* x, float* p, int dim, out float d0, out float d1, out float d2, out float d3)
    {
        float* p1 = p + dim, p2 = p1 + dim, p3 = p2 + dim;
        Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default,
            a20 = default, a21 = default, a30 = default, a31 = default;
        int k = 0;
        for (; k + 16 <= dim; k += 16)
        {
            var x0 = Vector256.Load(x + k); var x1 = Vector256.Load(x + k + 8);
            a00 = Vector256.MultiplyAddEstimate(x0, Vector256.Load(p + k), a00);
            a01 = Vector256.MultiplyAddEstimate(x1, Vector256.Load(p + k + 8), a01);
            a10 = Vector256.MultiplyAddEstimate(x0, Vector256.Load(p1 + k), a10);
            a11 = Vector256.MultiplyAddEstimate(x1, Vector256.Load(p1 + k + 8), a11);
            a20 = Vector256.MultiplyAddEstimate(x0, Vector256.Load(p2 + k), a20);
            a21 = Vector256.MultiplyAddEstimate(x1, Vector256.Load(p2 + k + 8), a21);
            a30 = Vector256.MultiplyAddEstimate(x0, Vector256.Load(p3 + k), a30);
            a31 = Vector256.MultiplyAddEstimate(x1, Vector256.Load(p3 + k + 8), a31);
        }
        if (k + 8 <= dim)
        {
            var x0 = Vector256.Load(x + k);
            a00 = Vector256.MultiplyAddEstimate(x0, Vector256.Load(p + k), a00);
            a10 = Vector256.MultiplyAddEstimate(x0, Vector256.Load(p1 + k), a10);
            a20 = Vector256.MultiplyAddEstimate(x0, Vector256.Load(p2 + k), a20);
            a30 = Vector256.MultiplyAddEstimate(x0, Vector256.Load(p3 + k), a30);
            k += 8;
        }
        d0 = Vector256.Sum(a00 + a01); d1 = Vector256.Sum(a10 + a11);
        d2 = Vector256.Sum(a20 + a21); d3 = Vector256.Sum(a30 + a31);
        for (; k < dim; k++)
        {
            d0 += x[k] * p[k]; d1 += x[k] * p1[k]; d2 += x[k] * p2[k]; d3 += x[k] * p3[k];
        }
    }

    public void Save(SafeTensorsWriter tensors)
    {
        if (IsDense)
        {
            tensors.Add<float>("items", _values, Rows, Dimension);
            return;
        }
        tensors.Add<int>("indptr", _indptr, _indptr!.Length);
        tensors.Add<int>("indices", _indices, _indices!.Length);
        tensors.Add<float>("values", _values, _values.Length);
    }

    /// <exception cref="InvalidDataException">Unknown layout, or tensor sizes that disagree with the properties.</exception>
    public static ItemMatrix Load(ModelLoadContext context)
    {
        var layout = context.Get<string>("layout");
        int dim = context.Get<int>("dimension"), rows = context.Get<int>("items");
        if (layout == "dense")
        {
            var values = context.Tensors.Get<float>("items");
            if (dim <= 0 || values.Length != (long)rows * dim)
                throw new InvalidDataException($"{context.Entry}: tensor 'items' has {values.Length} values, expected items × dimension = {rows} × {dim}.");
            return FromDense(dim, values);
        }
        if (layout == "sparse")
        {
            var indptr = context.Tensors.Get<int>("indptr");
            var indices = context.Tensors.Get<int>("indices");
            var values = context.Tensors.Get<float>("values");
            if (indptr.Length != rows + 1 || indptr[0] != 0 || indptr[^1] != indices.Length || indices.Length != values.Length)
                throw new InvalidDataException($"{context.Entry}: CSR tensors disagree: indptr has {indptr.Length} entries (expected {rows + 1}, ending at {indices.Length}), indices {indices.Length}, values {values.Length}.");
            foreach (int i in indices)
                if ((uint)i >= (uint)dim)
                    throw new InvalidDataException($"{context.Entry}: tensor 'indices' holds {i}, outside the dimension {dim}.");
            return FromSparse(dim, indptr, indices, values);
        }
        throw new InvalidDataException($"{context.Entry}: property 'layout' must be 'dense' or 'sparse', but was '{layout}'.");
    }
}
