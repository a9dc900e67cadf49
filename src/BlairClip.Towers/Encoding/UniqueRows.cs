namespace BlairClip.Towers.Encoding;

/// <summary>Embedding rows per distinct item content: items with the same content hash share one row, so a catalog
/// with repeated texts or images encodes each once.</summary>
internal sealed class UniqueRows
{
    private readonly int[] _uniqueOf;          // item → unique index
    private readonly List<int> _firstItem = new();
    private readonly List<EmbeddingCache.Hash> _hashes = new();
    private readonly float[]?[] _rows;
    private readonly bool[] _unreadable;

    /// <param name="hashes">Per item, its content hash.</param>
    /// <param name="skip">Per item, true when it has no content (no row is made for it).</param>
    public UniqueRows(ReadOnlySpan<EmbeddingCache.Hash> hashes, ReadOnlySpan<bool> skip = default)
    {
        _uniqueOf = new int[hashes.Length];
        var index = new Dictionary<EmbeddingCache.Hash, int>();
        for (int i = 0; i < hashes.Length; i++)
        {
            if (!skip.IsEmpty && skip[i]) { _uniqueOf[i] = -1; continue; }
            if (!index.TryGetValue(hashes[i], out int u))
            {
                u = _firstItem.Count;
                index.Add(hashes[i], u);
                _firstItem.Add(i);
                _hashes.Add(hashes[i]);
            }
            _uniqueOf[i] = u;
        }
        _rows = new float[]?[_firstItem.Count];
        _unreadable = new bool[_firstItem.Count];
    }

    /// <summary>Row width once any row is known.</summary>
    public int? Dimension { get; private set; }

    /// <summary>The first item with content <paramref name="unique"/>.</summary>
    public int FirstItem(int unique) => _firstItem[unique];
    public EmbeddingCache.Hash HashOf(int unique) => _hashes[unique];
    /// <summary>Unique index of <paramref name="item"/>, or -1 for an item without content.</summary>
    public int UniqueOf(int item) => _uniqueOf[item];
    public bool IsUnreadable(int unique) => _unreadable[unique];

    /// <summary>Takes every row the cache has.</summary>
    /// <returns>How many items (not distinct contents) were served by the cache.</returns>
    public int FillFromCache(EmbeddingCache cache)
    {
        if (cache.Dimension is not { } d) return 0;
        var hits = new bool[_rows.Length];
        for (int u = 0; u < _rows.Length; u++)
        {
            var row = new float[d];
            if (!cache.TryGet(_hashes[u], row, out bool unreadable)) continue;
            Set(u, row, unreadable);
            hits[u] = true;
        }
        return _uniqueOf.Count(u => u >= 0 && hits[u]);
    }

    /// <summary>Distinct contents without a row yet, ascending.</summary>
    public List<int> Missing() => Enumerable.Range(0, _rows.Length).Where(u => _rows[u] is null).ToList();

    public void Set(int unique, float[] row, bool unreadable = false)
    {
        Dimension ??= row.Length;
        if (row.Length != Dimension)
            throw new InvalidOperationException($"Embedding rows have {Dimension} values, but a new one has {row.Length} (the cache and the checkpoint disagree).");
        _rows[unique] = row;
        _unreadable[unique] = unreadable;
    }

    /// <summary>All items' rows, <c>[items, dimension]</c>; items without content get zero rows.</summary>
    public float[] Assemble(int dimension, out int withoutRow)
    {
        var values = new float[_uniqueOf.Length * dimension];
        withoutRow = 0;
        for (int i = 0; i < _uniqueOf.Length; i++)
        {
            if (_uniqueOf[i] < 0 || _rows[_uniqueOf[i]] is not { } row) { withoutRow++; continue; }
            row.CopyTo(values.AsSpan(i * dimension, dimension));
        }
        return values;
    }
}
