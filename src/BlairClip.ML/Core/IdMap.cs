namespace BlairClip.ML.Core;

/// <summary>A bijection between external string ids (user ids, ASINs) and dense 0-based indices,
/// in order of first appearance.</summary>
public sealed class IdMap
{
    private readonly List<string> _ids = new();
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public IdMap() { }

    /// <summary>Takes over <paramref name="ids"/> and their <paramref name="index"/> (Ordinal; id → position in
    /// <paramref name="ids"/>) without copying: loaders intern millions of user ids once and hand them over.
    /// The caller must not change either afterwards.</summary>
    internal IdMap(List<string> ids, Dictionary<string, int> index)
    {
        if (ids.Count != index.Count || !ReferenceEquals(index.Comparer, StringComparer.Ordinal) && index.Comparer != EqualityComparer<string>.Default)
            throw new ArgumentException("The index must map each id (Ordinal) to its position.", nameof(index));
        _ids = ids;
        _index = index;
    }

    public IdMap(IEnumerable<string> ids)
    {
        foreach (var id in ids)
            if (GetOrAdd(id) != _ids.Count - 1)
                throw new ArgumentException($"Duplicate id '{id}'.");
    }

    public int Count => _ids.Count;
    public IReadOnlyList<string> Ids => _ids;
    public string this[int index] => _ids[index];

    /// <summary>The index of <paramref name="id"/>, adding it when new.</summary>
    public int GetOrAdd(string id)
    {
        if (_index.TryGetValue(id, out var i)) return i;
        _index.Add(id, _ids.Count);
        _ids.Add(id);
        return _ids.Count - 1;
    }

    public bool TryGetIndex(string id, out int index) => _index.TryGetValue(id, out index);

    /// <summary>The index of <paramref name="id"/>.</summary>
    /// <exception cref="KeyNotFoundException">Unknown id; the message names it and <paramref name="what"/>.</exception>
    public int IndexOf(string id, string what = "id") =>
        _index.TryGetValue(id, out var i) ? i : throw new KeyNotFoundException($"Unknown {what} '{id}'.");
}
