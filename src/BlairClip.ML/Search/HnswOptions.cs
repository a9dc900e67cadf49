using BlairClip.ML.Core;

namespace BlairClip.ML.Search;

/// <summary>Parameters of an <see cref="HnswIndex"/> (names as in Malkov &amp; Yashunin, "Efficient and robust approximate
/// nearest neighbor search using Hierarchical Navigable Small World graphs", 2016/2018).</summary>
public sealed record HnswOptions
{
    /// <summary>Neighbours a node links to on each layer above 0 (and the links a new node makes on every layer); layer 0
    /// holds up to 2·M (M0). Larger M: better recall on hard data, more memory (layer 0 costs (2M + 1) × 4 bytes a node)
    /// and slower builds. At least 2.</summary>
    public int M { get; init; } = 16;

    /// <summary>Size of the candidate list while inserting (ef during construction). Larger: a better graph, a slower
    /// build. At least <see cref="M"/>.</summary>
    public int EfConstruction { get; init; } = 200;

    /// <summary>Default size of the candidate list while searching (ef); a query may set its own
    /// (<see cref="HnswIndex.Search(ReadOnlySpan{float}, int, int)"/>). A search uses max(ef, k). Larger: higher recall,
    /// slower queries. At least 1. The default is the smallest of 40/100/200/400 that reaches recall@10 ≥ 0.98 against exact
    /// search in <c>blairclip bench --scale ann</c> (1 M clustered 256-d vectors: ef 100 gives 0.94, ef 200 0.985).</summary>
    public int EfSearch { get; init; } = 200;

    /// <summary>Seed of the level draws (level of node i is a fixed function of seed and i). With the same vectors and
    /// parameters the graph is the same — byte for byte when saved — for any <see cref="Threads"/>.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Threads of the build; 0 = all cores. Does not change the graph.</summary>
    public int Threads { get; init; } = 0;

    /// <summary>Neighbours a node keeps on layer 0: 2·M.</summary>
    public int M0 => 2 * M;

    /// <summary>Throws <see cref="InvalidOptionException"/> for a value out of range.</summary>
    public void Validate()
    {
        InvalidOptionException.Check(M >= 2, "m", M, "must be at least 2");
        InvalidOptionException.Check(EfConstruction >= M, "ef_construction", EfConstruction, $"must be at least m ({M})");
        InvalidOptionException.Check(EfSearch >= 1, "ef_search", EfSearch, "must be at least 1");
        InvalidOptionException.Check(Threads >= 0, "threads", Threads, "must be zero (all cores) or more");
    }
}
