using BlairClip.ML.Core;

namespace BlairClip.ML.Search;

/// <summary>How <see cref="VectorSearch.Create"/> indexes a matrix.</summary>
public sealed record SearchIndexOptions
{
    /// <summary>Exact, HNSW, or chosen by size (<see cref="ExactThreshold"/>).</summary>
    public SearchIndexKind Kind { get; init; } = SearchIndexKind.Auto;

    /// <summary>Under <see cref="SearchIndexKind.Auto"/>, catalogs with fewer rows than this are searched exactly.</summary>
    public int ExactThreshold { get; init; } = VectorSearch.DefaultExactThreshold;

    /// <summary>The graph's parameters when HNSW is built.</summary>
    public HnswOptions Hnsw { get; init; } = new();

    /// <summary>Throws <see cref="InvalidOptionException"/> for a value out of range.</summary>
    public void Validate()
    {
        InvalidOptionException.Check(Enum.IsDefined(Kind), "kind", Kind, "must be auto, exact or hnsw");
        InvalidOptionException.Check(ExactThreshold >= 0, "exact_threshold", ExactThreshold, "must be zero or more");
        ArgumentNullException.ThrowIfNull(Hnsw);
        Hnsw.Validate();
    }
}
