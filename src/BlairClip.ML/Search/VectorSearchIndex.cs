using System.Numerics.Tensors;

namespace BlairClip.ML.Search;

/// <summary>
/// Finds the rows of an item matrix <c>[Count, Dimension]</c> with the highest inner product with a query vector.
/// <para>The score is the raw inner product <c>query · row</c>. For cosine similarity the caller L2-normalises the rows
/// before building and the query before searching (<see cref="VectorSearch.NormalizeRows"/>,
/// <see cref="VectorSearch.Normalize"/>); <see cref="HnswIndex"/> is built for that case (its graph assumes a metric-like
/// similarity, and recall on unnormalised vectors — maximum inner product search — is not what it is tuned or tested for).</para>
/// <para>Results are ordered by score descending, equal scores by lower row (<see cref="SearchHit.Before"/>). Instances are
/// safe for concurrent searches. An index reads the matrix it was built over without copying it: the caller keeps it
/// unchanged for the index's lifetime.</para>
/// </summary>
public abstract class VectorSearchIndex
{
    /// <summary>Rows (items) indexed.</summary>
    public abstract int Count { get; }

    /// <summary>Values per row; a query has exactly this many.</summary>
    public abstract int Dimension { get; }

    /// <summary>The <paramref name="k"/> rows scoring highest against <paramref name="query"/>, best first. Fewer than
    /// <paramref name="k"/> (all rows) when the index holds fewer; none when <paramref name="k"/> is 0 or the index is empty.</summary>
    /// <exception cref="ArgumentException">The query's length is not <see cref="Dimension"/>, or it holds NaN or an infinity.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is negative.</exception>
    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k)
    {
        CheckQuery(query, k);
        return k == 0 || Count == 0 ? [] : SearchCore(query, Math.Min(k, Count));
    }

    /// <summary>The search itself, for a checked query and 1 ≤ <paramref name="k"/> ≤ <see cref="Count"/>.</summary>
    protected abstract SearchHit[] SearchCore(ReadOnlySpan<float> query, int k);

    /// <summary>Throws the documented exceptions of <see cref="Search"/> for a bad query or <paramref name="k"/>.</summary>
    protected void CheckQuery(ReadOnlySpan<float> query, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (query.Length != Dimension)
            throw new ArgumentException($"The query has {query.Length} values but the index's vectors have {Dimension}.", nameof(query));
        if (!float.IsFinite(TensorPrimitives.Norm(query)))
            throw new ArgumentException("The query holds NaN or an infinity (or values too large to square).", nameof(query));
    }
}
