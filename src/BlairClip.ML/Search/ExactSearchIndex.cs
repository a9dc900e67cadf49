using System.Numerics.Tensors;

namespace BlairClip.ML.Search;

/// <summary>Exact search: every row is scored (<see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>)
/// and the best <c>k</c> kept in a bounded heap — O(Count · Dimension) per query, one thread. The oracle the approximate
/// index is measured against, and the index for catalogs small enough to scan (<see cref="VectorSearch.DefaultExactThreshold"/>).
/// Scores are those <see cref="HnswIndex"/> computes for the same (query, row), bit for bit.</summary>
public sealed class ExactSearchIndex : VectorSearchIndex
{
    private readonly ReadOnlyMemory<float> _matrix;
    private readonly int _rows, _dim;

    /// <summary>An index over <paramref name="matrix"/>, row-major <c>[rows, dim]</c> (read in place, not copied).</summary>
    /// <exception cref="ArgumentException">The matrix's length is not <paramref name="rows"/> × <paramref name="dim"/>, or
    /// <paramref name="dim"/> is not positive or <paramref name="rows"/> negative.</exception>
    public ExactSearchIndex(ReadOnlyMemory<float> matrix, int rows, int dim)
    {
        VectorSearch.CheckMatrix(matrix, rows, dim);
        _matrix = matrix; _rows = rows; _dim = dim;
    }

    public override int Count => _rows;
    public override int Dimension => _dim;

    protected override SearchHit[] SearchCore(ReadOnlySpan<float> query, int k)
    {
        var m = _matrix.Span;
        var heap = new ScoredHeap(bestOnTop: false, k);
        for (int r = 0; r < _rows; r++)
        {
            float s = TensorPrimitives.Dot(query, m.Slice(r * _dim, _dim));
            // Rows come in ascending order, so a later row that only ties the worst kept one never displaces it.
            if (heap.Count == k && !(s > heap.Top.Score) && !float.IsNaN(heap.Top.Score)) continue;
            heap.PushBounded(new SearchHit(r, s), k);
        }
        var hits = new SearchHit[heap.Count];
        heap.DrainBestFirst(hits);
        return hits;
    }
}
