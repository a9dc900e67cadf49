namespace BlairClip.ML.Search;

/// <summary>
/// The links of an HNSW graph in flat arrays, no object per node: 1 M nodes at M = 16 take ≈ 137 MB.
/// <para>Layer 0: <see cref="Layer0"/> holds a block of <c>M0 + 1</c> ints per node — the link count, then up to M0
/// neighbour rows. Layers above: a node of level L ≥ 1 owns L consecutive blocks of <c>M + 1</c> ints in
/// <see cref="Upper"/> (layer 1 first), starting at <see cref="UpperStart"/>[node]; the offsets follow from the levels
/// alone (prefix sums), so they are not stored in a file.</para>
/// </summary>
internal sealed class HnswGraph
{
    public HnswGraph(int m, byte[] levels)
    {
        M = m;
        Levels = levels;
        int count = levels.Length;
        long layer0 = (long)count * (M0 + 1);
        UpperStart = new int[count];
        long upper = 0;
        for (int i = 0; i < count; i++)
        {
            UpperStart[i] = levels[i] == 0 ? -1 : checked((int)upper);
            upper += (long)levels[i] * (m + 1);
        }
        if (layer0 > Array.MaxLength || upper > Array.MaxLength)
            throw new ArgumentException($"{count} nodes with M = {m} need {layer0} layer-0 link slots, more than one array holds ({Array.MaxLength}); lower M.");
        Layer0 = new int[layer0];
        Upper = new int[upper];
    }

    /// <summary>Links per node on layers ≥ 1.</summary>
    public int M { get; }

    /// <summary>Links per node on layer 0: 2·M.</summary>
    public int M0 => 2 * M;

    public int Count => Levels.Length;

    /// <summary>The top layer of each node.</summary>
    public byte[] Levels { get; }

    /// <summary>Per node: M0 + 1 ints, the count then the neighbours.</summary>
    public int[] Layer0 { get; }

    /// <summary>Per node of level ≥ 1: its layers' blocks of M + 1 ints (count, neighbours), layer 1 first.</summary>
    public int[] Upper { get; }

    /// <summary>Where node i's layer-1 block starts in <see cref="Upper"/>; −1 for level-0 nodes.</summary>
    public int[] UpperStart { get; }

    /// <summary>The node searches start from (one of the highest level), −1 while the graph is empty.</summary>
    public int EntryPoint { get; set; } = -1;

    /// <summary>The entry point's level, −1 while the graph is empty.</summary>
    public int MaxLevel { get; set; } = -1;

    /// <summary>Links a node holds at most on <paramref name="layer"/>.</summary>
    public int Capacity(int layer) => layer == 0 ? M0 : M;

    /// <summary>The whole block (count, then <see cref="Capacity"/> slots) of <paramref name="node"/> on <paramref name="layer"/>
    /// (≤ its level), for writing.</summary>
    public Span<int> Block(int node, int layer) => layer == 0
        ? Layer0.AsSpan(node * (M0 + 1), M0 + 1)
        : Upper.AsSpan(UpperStart[node] + (layer - 1) * (M + 1), M + 1);

    /// <summary>The neighbours of <paramref name="node"/> on <paramref name="layer"/> (≤ its level).</summary>
    public ReadOnlySpan<int> Links(int node, int layer)
    {
        var block = Block(node, layer);
        return block.Slice(1, block[0]);
    }

    /// <summary>Replaces the links of <paramref name="node"/> on <paramref name="layer"/> by <paramref name="links"/>.</summary>
    public void SetLinks(int node, int layer, ReadOnlySpan<int> links)
    {
        var block = Block(node, layer);
        block[0] = links.Length;
        links.CopyTo(block[1..]);
    }

    /// <summary>Bytes held by the link arrays and levels.</summary>
    public long Bytes => 4L * (Layer0.Length + Upper.Length + UpperStart.Length) + Levels.Length;
}
