namespace BlairClip.ML.Features;

/// <summary>One entry of a study's <c>data.item_features</c> list: a precomputed per-item feature matrix that becomes
/// a dense vector column of the item table.</summary>
public sealed record ItemFeatureSpec
{
    /// <summary>(string) Column name in the item table, e.g. <c>image_mobilenet</c>.</summary>
    public required string Name { get; init; }
    /// <summary>(string) Feature file relative to the study: <c>.safetensors</c>, <c>.npy</c> (both need <c>ids</c>)
    /// or <c>.csv</c> (<c>id,v1,v2,…</c> per line, ids in the first column).</summary>
    public required string Path { get; init; }
    /// <summary>(string) Ids file relative to the study, one item id per line; line i names row i. Not for CSV.</summary>
    public string? Ids { get; init; }
    /// <summary>(string) Tensor name in a safetensors file; null takes the file's only tensor.</summary>
    public string? Tensor { get; init; }
}
