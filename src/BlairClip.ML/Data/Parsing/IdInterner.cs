using BlairClip.ML.Core;

namespace BlairClip.ML.Data.Parsing;

/// <summary>Maps id spans to dense indices in order of first appearance, allocating a string only for a new id
/// (a review file repeats each user id many times).</summary>
internal sealed class IdInterner
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public IdInterner() => _lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();

    public List<string> Ids { get; } = new();
    public int Count => Ids.Count;

    public int GetOrAdd(ReadOnlySpan<char> id)
    {
        if (_lookup.TryGetValue(id, out int i)) return i;
        var s = id.ToString();
        _index.Add(s, Ids.Count);
        Ids.Add(s);
        return Ids.Count - 1;
    }

    /// <summary>Adds <paramref name="id"/> unless present; false when it was already there.</summary>
    public bool TryAdd(ReadOnlySpan<char> id, out int index)
    {
        int before = Ids.Count;
        index = GetOrAdd(id);
        return index == before;
    }

    public bool TryGetIndex(ReadOnlySpan<char> id, out int index) => _lookup.TryGetValue(id, out index);

    /// <summary>Room for <paramref name="count"/> ids in all, so that the tables are not regrown (rehashing every id)
    /// while millions are added.</summary>
    public void EnsureCapacity(int count)
    {
        _index.EnsureCapacity(count);
        Ids.EnsureCapacity(count);
    }

    /// <summary>The interned ids as an <see cref="IdMap"/>, sharing this interner's tables (no second dictionary of
    /// 1.8 M users); do not add to the interner afterwards.</summary>
    public IdMap ToIdMap() => new(Ids, _index);
}
