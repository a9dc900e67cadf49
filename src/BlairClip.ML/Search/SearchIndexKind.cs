namespace BlairClip.ML.Search;

/// <summary>Which index <see cref="VectorSearch.Create"/> builds.</summary>
public enum SearchIndexKind
{
    /// <summary>Exact below <see cref="SearchIndexOptions.ExactThreshold"/> items, HNSW from there on.</summary>
    Auto,
    /// <summary>Brute force over every row (<see cref="ExactSearchIndex"/>): exact results, time linear in the catalog.</summary>
    Exact,
    /// <summary>An approximate graph index (<see cref="HnswIndex"/>): sub-linear query time, recall below 1.</summary>
    Hnsw,
}
