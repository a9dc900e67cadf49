using System.Collections.Concurrent;
using System.Numerics.Tensors;
using BlairClip.ML.Core;

namespace BlairClip.ML.Search;

/// <summary>
/// Approximate search by a Hierarchical Navigable Small World graph (Malkov &amp; Yashunin, 2016/2018), our own
/// implementation: layers of proximity graphs, a node's top layer drawn from a seeded geometric law (mL = 1 / ln M),
/// links chosen by the neighbour-selection heuristic (Algorithm 4), up to M per node above layer 0 and M0 = 2M on it.
/// A query descends greedily from the entry point to layer 1, then searches layer 0 best-first keeping ef candidates
/// (<see cref="EfSearch"/>, at least k); the returned scores are exact inner products, equal to
/// <see cref="ExactSearchIndex"/>'s for the same rows. For cosine similarity, build over L2-normalised rows and query
/// with normalised vectors (<see cref="VectorSearch.NormalizeRows"/>).
/// <para>Built on all cores deterministically (<see cref="HnswBuilder"/>): same vectors and options → the same graph and
/// the same saved bytes for any thread count. Links live in flat int arrays (<see cref="HnswGraph"/>); the vectors are
/// read in place, not copied. <see cref="Save"/> / <see cref="Load"/> write and read the graph (not the vectors) in a
/// versioned, checksummed format that records the vectors' <see cref="Fingerprint"/>.</para>
/// </summary>
public sealed class HnswIndex : VectorSearchIndex
{
    private readonly ReadOnlyMemory<float> _vectors;
    private readonly int _dim;
    private readonly Lazy<VectorFingerprint> _fingerprint;
    private readonly ConcurrentBag<HnswScratch> _pool = [];
    private int _efSearch;

    internal HnswIndex(ReadOnlyMemory<float> vectors, int dim, HnswGraph graph, HnswOptions options, VectorFingerprint? fingerprint)
    {
        _vectors = vectors; _dim = dim; Graph = graph;
        Options = options with { Threads = 0 };
        _efSearch = options.EfSearch;
        _fingerprint = fingerprint is { } f ? new(f) : new(() => VectorFingerprint.Of(_vectors.Span, graph.Count, dim));
    }

    /// <summary>Builds the graph over <paramref name="matrix"/> (row-major <c>[rows, dim]</c>, read in place — keep it
    /// unchanged while the index lives). Rows should be L2-normalised for cosine search.</summary>
    /// <param name="progress">Advanced by the nodes inserted, batch by batch (<paramref name="rows"/> in all); optional.</param>
    /// <exception cref="ArgumentException">The shape is inconsistent, a row holds NaN or an infinity, or an option is out of
    /// range (<see cref="InvalidOptionException"/>).</exception>
    public static HnswIndex Build(ReadOnlyMemory<float> matrix, int rows, int dim, HnswOptions? options = null, IProgressTask? progress = null)
    {
        options ??= new HnswOptions();
        options.Validate();
        VectorSearch.CheckMatrix(matrix, rows, dim);
        var graph = HnswBuilder.Build(matrix, rows, dim, options, progress);
        return new HnswIndex(matrix, dim, graph, options, null);
    }

    /// <summary>The graph's links.</summary>
    internal HnswGraph Graph { get; }

    public override int Count => Graph.Count;
    public override int Dimension => _dim;

    /// <summary>The parameters the graph was built with (<see cref="HnswOptions.Threads"/> reads 0: it does not change the
    /// graph and is not kept); <see cref="HnswOptions.EfSearch"/> is the default ef the index started with.</summary>
    public HnswOptions Options { get; }

    /// <summary>The ef of <see cref="VectorSearchIndex.Search"/>; a query uses max(ef, k).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public int EfSearch
    {
        get => _efSearch;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _efSearch = value;
        }
    }

    /// <summary>Shape and hash of the vectors the graph was built over (computed on first use for a fresh build).</summary>
    public VectorFingerprint Fingerprint => _fingerprint.Value;

    /// <summary>The top layer (the entry point's level); −1 when empty.</summary>
    public int MaxLevel => Graph.MaxLevel;

    /// <summary>Bytes of the graph held in memory (links, offsets, levels), not counting the vectors.</summary>
    public long GraphBytes => Graph.Bytes;

    /// <summary>As <see cref="VectorSearchIndex.Search"/>, with this query's ef (max(<paramref name="efSearch"/>, k) is used).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="efSearch"/> is below 1, or k is negative.</exception>
    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k, int efSearch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(efSearch, 1);
        CheckQuery(query, k);
        return k == 0 || Count == 0 ? [] : Query(query, Math.Min(k, Count), efSearch);
    }

    protected override SearchHit[] SearchCore(ReadOnlySpan<float> query, int k) => Query(query, k, _efSearch);

    private SearchHit[] Query(ReadOnlySpan<float> query, int k, int efSearch)
    {
        var g = Graph;
        var vectors = _vectors.Span;
        var s = _pool.TryTake(out var pooled) ? pooled : new HnswScratch(g.Count);
        try
        {
            var current = new SearchHit(g.EntryPoint, TensorPrimitives.Dot(query, HnswLayerSearch.Row(vectors, _dim, g.EntryPoint)));
            for (int l = g.MaxLevel; l > 0; l--) current = HnswLayerSearch.Greedy(g, vectors, _dim, query, current, l);
            HnswLayerSearch.SearchLayer(g, vectors, _dim, query, [current], Math.Max(efSearch, k), 0, s);
            int found = HnswLayerSearch.DrainResults(s);
            return s.Found.AsSpan(0, Math.Min(k, found)).ToArray();
        }
        finally { _pool.Add(s); }
    }

    /// <summary>Writes the graph (not the vectors) to <paramref name="stream"/> in the format <see cref="HnswIndexFormat"/>
    /// describes. The same graph always writes the same bytes.</summary>
    public void Save(Stream stream) => HnswIndexFormat.Write(stream, Graph, Options with { EfSearch = _efSearch }, _dim, Fingerprint);

    /// <summary>Reads a graph <see cref="Save"/> wrote and attaches it to <paramref name="matrix"/> (row-major <c>[rows, dim]</c>,
    /// read in place), which must be the vectors it was built over.</summary>
    /// <exception cref="InvalidDataException">Not an index file (magic), another format version, a truncated or corrupt
    /// file (lengths, checksum, link ranges), or vectors whose <see cref="VectorFingerprint"/> differs from the one
    /// recorded (the index was built for other vectors: rebuild it).</exception>
    public static HnswIndex Load(Stream stream, ReadOnlyMemory<float> matrix, int rows, int dim)
    {
        VectorSearch.CheckMatrix(matrix, rows, dim);
        var (graph, options, recorded) = HnswIndexFormat.Read(stream);
        var actual = VectorFingerprint.Of(matrix.Span, rows, dim);
        if (recorded != actual)
            throw new InvalidDataException($"The HNSW index was built for other vectors ({recorded}) than those given ({actual}); rebuild it.");
        return new HnswIndex(matrix, dim, graph, options, actual);
    }
}
