using System.Collections.Concurrent;
using System.Numerics.Tensors;
using BlairClip.ML.Core;

namespace BlairClip.ML.Search;

/// <summary>
/// Builds an HNSW graph on all cores, deterministically: the graph is a fixed function of the vectors and the options
/// (not of <see cref="HnswOptions.Threads"/> or scheduling).
/// <para>Nodes are inserted in row order, in batches whose size depends only on how many are already in the graph
/// (<see cref="BatchSize"/>: one at a time for the first nodes, up to <see cref="MaxBatch"/>). For a batch:</para>
/// <list type="number">
/// <item>In parallel, each new node searches the graph as it stood at the batch start (nothing writes to it meanwhile):
/// greedy descent to its level, then on each of its layers the ef-search of Algorithm 2; the batch's earlier nodes of
/// that level are scored exactly and merged into the ef best, so nodes of one batch see each other as if inserted one
/// by one. The heuristic (Algorithm 4) picks its M links per layer.</item>
/// <item>The new nodes' own links are written.</item>
/// <item>The reverse links are grouped by the node receiving them and applied in parallel across those nodes; each node
/// receives its links in row order, re-selecting by the heuristic when its list is full (M0 on layer 0, M above). A
/// group touches only its own list and reads only vectors, so the order of groups does not matter.</item>
/// <item>A new node of a level above the entry point's becomes the entry point (the first such in row order).</item>
/// </list>
/// <para>Levels are drawn per node from a counter-based stream of the seed (SplitMix64 of seed and row), with
/// mL = 1 / ln M, so they do not depend on the order of drawing either.</para>
/// </summary>
internal sealed class HnswBuilder
{
    /// <summary>Largest insertion batch: 512 new nodes against a graph of ≥ 32 k (≤ 1.6 %) keep the graph's quality while
    /// giving every core work; the exact within-batch scoring costs ≤ 256 dot products a node.</summary>
    private const int MaxBatch = 512;

    /// <summary>The batch is at most 1/64 of the nodes already inserted, so the first 128 go one at a time.</summary>
    private const int BatchFraction = 64;

    private readonly ReadOnlyMemory<float> _vectors;
    private readonly int _dim;
    private readonly HnswOptions _options;
    private readonly HnswGraph _graph;
    private readonly ParallelOptions _parallel;
    private readonly ConcurrentBag<HnswScratch> _pool = [];

    private HnswBuilder(ReadOnlyMemory<float> vectors, int rows, int dim, HnswOptions options)
    {
        _vectors = vectors; _dim = dim; _options = options;
        _graph = new HnswGraph(options.M, DrawLevels(rows, options.M, options.Seed));
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads == 0 ? Environment.ProcessorCount : options.Threads };
    }

    /// <summary>The graph over <paramref name="vectors"/> (<paramref name="rows"/> × <paramref name="dim"/>, checked by the caller).</summary>
    /// <exception cref="ArgumentException">A row holds NaN or an infinity.</exception>
    public static HnswGraph Build(ReadOnlyMemory<float> vectors, int rows, int dim, HnswOptions options, IProgressTask? progress = null)
    {
        var span = vectors.Span;
        for (int r = 0; r < rows; r++)
            if (!float.IsFinite(TensorPrimitives.Norm(span.Slice(r * dim, dim))))
                throw new ArgumentException($"Row {r} holds NaN or an infinity (or values too large to square); HNSW needs finite vectors.", nameof(vectors));
        var builder = new HnswBuilder(vectors, rows, dim, options);
        for (int start = 0; start < rows;)
        {
            int end = Math.Min(rows, start + BatchSize(start));
            builder.InsertBatch(start, end);
            progress?.Advance(end - start);
            start = end;
        }
        return builder._graph;
    }

    /// <summary>Nodes inserted together when <paramref name="inserted"/> are already in the graph.</summary>
    internal static int BatchSize(int inserted) => Math.Clamp(inserted / BatchFraction, 1, MaxBatch);

    /// <summary>Level of each node: ⌊−ln U · mL⌋ with U ∈ (0, 1] from SplitMix64(seed, row), mL = 1 / ln M.</summary>
    internal static byte[] DrawLevels(int rows, int m, int seed)
    {
        double mL = 1 / Math.Log(m);
        ulong stream = SplitMix64.Finalize((ulong)(uint)seed ^ 0x484E5357UL); // "HNSW"
        var levels = new byte[rows];
        for (int i = 0; i < rows; i++)
        {
            ulong z = SplitMix64.Finalize(stream + (ulong)i * 0x9E3779B97F4A7C15UL);
            double u = ((z >> 11) + 1) * (1.0 / (1UL << 53));
            // U ≥ 2^-53, so the level is at most 53 · ln 2 / ln M ≤ 53: always fits a byte.
            levels[i] = (byte)(-Math.Log(u) * mL);
        }
        return levels;
    }

    private HnswScratch Rent() => _pool.TryTake(out var s) ? s : new HnswScratch(_graph.Count);

    private void Return(HnswScratch s) => _pool.Add(s);

    /// <summary>A reverse link to add: <see cref="Source"/> into <see cref="Target"/>'s list on <see cref="Layer"/>.</summary>
    private readonly record struct ReverseLink(int Layer, int Target, int Source) : IComparable<ReverseLink>
    {
        public int CompareTo(ReverseLink other)
        {
            int c = Layer.CompareTo(other.Layer);
            if (c == 0) c = Target.CompareTo(other.Target);
            return c != 0 ? c : Source.CompareTo(other.Source);
        }
    }

    private void InsertBatch(int start, int end)
    {
        var g = _graph;
        int size = end - start, m = g.M;
        var plans = new int[size][];
        int entry = g.EntryPoint, maxLevel = g.MaxLevel;

        // 1. Each new node's links, planned against the graph as it stands now.
        if (size == 1)
        {
            var s = Rent();
            plans[0] = Plan(start, start, entry, maxLevel, s);
            Return(s);
        }
        else
        {
            Parallel.For(start, end, _parallel, Rent, (i, _, s) => { plans[i - start] = Plan(i, start, entry, maxLevel, s); return s; }, Return);
        }

        // 2. Their own links.
        var reverse = new List<ReverseLink>();
        for (int i = start; i < end; i++)
        {
            var plan = plans[i - start];
            for (int l = 0; l <= g.Levels[i]; l++)
            {
                var links = plan.AsSpan(l * (m + 1) + 1, plan[l * (m + 1)]);
                g.SetLinks(i, l, links);
                foreach (int n in links) reverse.Add(new ReverseLink(l, n, i));
            }
        }

        // 3. The reverse links, grouped by receiving (layer, node), each group in row order.
        var links3 = reverse.ToArray();
        Array.Sort(links3);
        var groups = new List<int>();
        for (int k = 0; k < links3.Length; k++)
            if (k == 0 || links3[k].Layer != links3[k - 1].Layer || links3[k].Target != links3[k - 1].Target) groups.Add(k);
        groups.Add(links3.Length);
        void Apply(int group, HnswScratch s)
        {
            for (int k = groups[group]; k < groups[group + 1]; k++) AddLink(links3[k].Target, links3[k].Layer, links3[k].Source, s);
        }
        if (groups.Count - 1 < 64)
        {
            var s = Rent();
            for (int q = 0; q < groups.Count - 1; q++) Apply(q, s);
            Return(s);
        }
        else
        {
            Parallel.ForEach(Partitioner.Create(0, groups.Count - 1, 32), _parallel, Rent,
                (range, _, s) => { for (int q = range.Item1; q < range.Item2; q++) Apply(q, s); return s; }, Return);
        }

        // 4. The entry point: the first new node above the current top.
        for (int i = start; i < end; i++)
            if (g.Levels[i] > g.MaxLevel) { g.MaxLevel = g.Levels[i]; g.EntryPoint = i; }
    }

    /// <summary>Node <paramref name="node"/>'s links on each layer 0..level, as blocks of M + 1 ints (count, rows), found
    /// in the graph below <paramref name="batchStart"/> (entry <paramref name="entry"/> at <paramref name="maxLevel"/>) plus
    /// the batch's nodes before it.</summary>
    private int[] Plan(int node, int batchStart, int entry, int maxLevel, HnswScratch s)
    {
        var g = _graph;
        var vectors = _vectors.Span;
        int dim = _dim, m = g.M, level = g.Levels[node], ef = _options.EfConstruction;
        var query = HnswLayerSearch.Row(vectors, dim, node);
        var plan = new int[(level + 1) * (m + 1)];

        // The batch's earlier nodes, scored once for every layer.
        int earlier = node - batchStart;
        var batchScores = HnswScratch.Ensure(ref s.BatchScores, earlier);
        for (int j = 0; j < earlier; j++) batchScores[j] = TensorPrimitives.Dot(query, HnswLayerSearch.Row(vectors, dim, batchStart + j));

        int entries = 0;
        if (entry >= 0)
        {
            var current = new SearchHit(entry, TensorPrimitives.Dot(query, HnswLayerSearch.Row(vectors, dim, entry)));
            for (int l = maxLevel; l > level; l--) current = HnswLayerSearch.Greedy(g, vectors, dim, query, current, l);
            HnswScratch.Ensure(ref s.Entries, 1)[0] = current;
            entries = 1;
        }
        for (int l = level; l >= 0; l--)
        {
            // Layers above the graph's top have only the batch's earlier nodes; the descent's entry waits for the graph's.
            bool inGraph = l <= maxLevel && entries > 0;
            if (inGraph) HnswLayerSearch.SearchLayer(g, vectors, dim, query, s.Entries.AsSpan(0, entries), ef, l, s);
            else { s.NewSearch(); s.Candidates.Clear(); s.Results.Clear(); }
            for (int j = 0; j < earlier; j++)
                if (g.Levels[batchStart + j] >= l && s.Visit(batchStart + j)) s.Results.PushBounded(new SearchHit(batchStart + j, batchScores[j]), ef);
            int found = HnswLayerSearch.DrainResults(s);
            var block = plan.AsSpan(l * (m + 1), m + 1);
            block[0] = HnswLayerSearch.SelectNeighbours(vectors, dim, s.Found.AsSpan(0, found), m, block[1..]);
            // The next layer starts from everything found on this one (the paper's ep ← W).
            if (inGraph)
            {
                s.Found.AsSpan(0, found).CopyTo(HnswScratch.Ensure(ref s.Entries, found));
                entries = found;
            }
        }
        return plan;
    }

    /// <summary>Adds <paramref name="source"/> to <paramref name="target"/>'s links on <paramref name="layer"/>; a full list is
    /// re-selected by the heuristic among its members and the newcomer.</summary>
    private void AddLink(int target, int layer, int source, HnswScratch s)
    {
        var g = _graph;
        var block = g.Block(target, layer);
        int count = block[0], capacity = g.Capacity(layer);
        if (count < capacity)
        {
            block[1 + count] = source;
            block[0] = count + 1;
            return;
        }
        var vectors = _vectors.Span;
        var t = HnswLayerSearch.Row(vectors, _dim, target);
        var pool = HnswScratch.Ensure(ref s.Pool, count + 1);
        for (int j = 0; j < count; j++) pool[j] = new SearchHit(block[1 + j], TensorPrimitives.Dot(t, HnswLayerSearch.Row(vectors, _dim, block[1 + j])));
        pool[count] = new SearchHit(source, TensorPrimitives.Dot(t, HnswLayerSearch.Row(vectors, _dim, source)));
        var members = pool.AsSpan(0, count + 1);
        members.Sort(HnswLayerSearch.BestFirst);
        var selected = HnswScratch.Ensure(ref s.Selected, capacity);
        int kept = HnswLayerSearch.SelectNeighbours(vectors, _dim, members, capacity, selected);
        g.SetLinks(target, layer, selected.AsSpan(0, kept));
    }
}
