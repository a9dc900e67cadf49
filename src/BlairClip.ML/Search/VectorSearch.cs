using System.Numerics.Tensors;

namespace BlairClip.ML.Search;

/// <summary>Builds the search index for an item matrix (<see cref="Create"/>) and L2-normalises vectors for cosine search.</summary>
public static class VectorSearch
{
    /// <summary>Catalogs with fewer items than this are searched exactly under <see cref="SearchIndexKind.Auto"/>: below it a
    /// scan costs a few milliseconds per query at 256-d on one core, while an HNSW graph would cost seconds to build and
    /// lose recall; from it on, HNSW. The default of <see cref="SearchIndexOptions.ExactThreshold"/>.</summary>
    public const int DefaultExactThreshold = 50_000;

    /// <summary>The index for <paramref name="matrix"/> (row-major <c>[rows, dim]</c>, read in place — keep it unchanged
    /// while the index lives): <see cref="ExactSearchIndex"/> or <see cref="HnswIndex"/> as <see cref="SearchIndexOptions.Kind"/>
    /// says; under <see cref="SearchIndexKind.Auto"/>, exact when <paramref name="rows"/> &lt; <see cref="SearchIndexOptions.ExactThreshold"/>.
    /// For cosine similarity normalise the rows first (<see cref="NormalizeRows"/>).</summary>
    /// <exception cref="ArgumentException">The matrix's shape is inconsistent, or an option is out of range
    /// (<see cref="Core.InvalidOptionException"/>).</exception>
    public static VectorSearchIndex Create(ReadOnlyMemory<float> matrix, int rows, int dim, SearchIndexOptions? options = null)
    {
        options ??= new SearchIndexOptions();
        options.Validate();
        CheckMatrix(matrix, rows, dim);
        var kind = options.Kind == SearchIndexKind.Auto
            ? rows < options.ExactThreshold ? SearchIndexKind.Exact : SearchIndexKind.Hnsw
            : options.Kind;
        return kind switch
        {
            SearchIndexKind.Exact => new ExactSearchIndex(matrix, rows, dim),
            SearchIndexKind.Hnsw => HnswIndex.Build(matrix, rows, dim, options.Hnsw),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "Unknown index kind."),
        };
    }

    /// <summary>Scales <paramref name="vector"/> to unit L2 norm in place; an all-zero vector stays zero.</summary>
    public static void Normalize(Span<float> vector)
    {
        float norm = TensorPrimitives.Norm(vector);
        if (norm > 0) TensorPrimitives.Divide(vector, norm, vector);
    }

    /// <summary>Scales every row of the row-major <paramref name="matrix"/> (<paramref name="dim"/> values a row) to unit L2
    /// norm in place; all-zero rows stay zero.</summary>
    /// <exception cref="ArgumentException">The matrix's length is not a multiple of a positive <paramref name="dim"/>.</exception>
    public static void NormalizeRows(Span<float> matrix, int dim)
    {
        if (dim <= 0 || matrix.Length % dim != 0)
            throw new ArgumentException($"A matrix of {matrix.Length} values does not split into rows of {dim}.", nameof(matrix));
        for (int r = 0; r < matrix.Length; r += dim) Normalize(matrix.Slice(r, dim));
    }

    /// <summary>Throws unless <paramref name="matrix"/> holds exactly <paramref name="rows"/> × <paramref name="dim"/> values,
    /// with dim &gt; 0 and rows ≥ 0.</summary>
    internal static void CheckMatrix(ReadOnlyMemory<float> matrix, int rows, int dim)
    {
        if (dim <= 0) throw new ArgumentException($"The vectors' dimension must be positive, but was {dim}.", nameof(dim));
        if (rows < 0) throw new ArgumentException($"The row count must be zero or more, but was {rows}.", nameof(rows));
        if (matrix.Length != (long)rows * dim)
            throw new ArgumentException($"The matrix has {matrix.Length} values, expected rows × dim = {rows} × {dim} = {(long)rows * dim}.", nameof(matrix));
    }
}
