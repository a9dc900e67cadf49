using System.Collections;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace BlairClip.ML.Core;

/// <summary>
/// A bijection between external string ids (user ids, ASINs) and dense 0-based indices, in order of first appearance
/// (Ordinal comparison).
/// <para>Stored compactly, because a loader interns millions of user ids (Appliances: 1.8 M) on one thread while the
/// file is parsed on the others: every id's characters lie back to back in one buffer, and an open-addressing table
/// holds each id's index with 32 bits of its hash. A string per id and a <c>Dictionary&lt;string, int&gt;</c> cost
/// ~110 bytes and two heap objects per id — 200 MB of small objects that the collector traces and promotes several times
/// while they are added — where this costs ~2 bytes per character plus 12, in a few large arrays with no references
/// (backed by huge pages, <see cref="HugePages"/>). Strings are made on demand (<see cref="this[int]"/>, <see cref="Ids"/>);
/// <see cref="Chars"/> reads an id without one.</para>
/// <para>Reads may run on several threads at once; adding is for one thread, with no reader running.</para>
/// </summary>
public sealed class IdMap
{
    private const int MinSlots = 16;

    private char[] _chars = [];
    private int _charCount;
    // _starts[i] .. _starts[i + 1]: id i's characters; _starts[0] = 0.
    private int[] _starts = [0];
    private int _count;
    // Open addressing, linear probing, at most half full: (low 32 bits of the hash) << 32 | (index + 1); 0 = empty.
    private long[] _slots = new long[MinSlots];

    public IdMap() { }

    /// <exception cref="ArgumentException">An id occurs twice.</exception>
    public IdMap(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids is ICollection<string> c) EnsureCapacity(c.Count, 0);
        foreach (var id in ids)
            if (!TryAdd(id, out _))
                throw new ArgumentException($"Duplicate id '{id}'.", nameof(ids));
    }

    public int Count => _count;

    /// <summary>Characters of all ids together.</summary>
    internal long CharCount => _charCount;

    /// <summary>The ids in index order; each access makes a string (see <see cref="Chars"/>).</summary>
    public IReadOnlyList<string> Ids => new IdList(this);

    /// <summary>Id <paramref name="index"/> as a new string.</summary>
    public string this[int index] => new(Chars(index));

    /// <summary>Id <paramref name="index"/>'s characters, without making a string.</summary>
    public ReadOnlySpan<char> Chars(int index)
    {
        var (start, length) = Range(index);
        return _chars.AsSpan(start, length);
    }

    private (int Start, int Length) Range(int index)
    {
        if ((uint)index >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(index), index, $"There are {_count} ids.");
        int start = _starts[index];
        return (start, _starts[index + 1] - start);
    }

    /// <summary>Id <paramref name="index"/>'s characters as memory (for ML.NET text columns), without making a string;
    /// stays valid (later adds do not change it).</summary>
    public ReadOnlyMemory<char> Memory(int index)
    {
        var (start, length) = Range(index);
        return _chars.AsMemory(start, length);
    }

    /// <summary>The index of <paramref name="id"/>, adding it when new.</summary>
    public int GetOrAdd(string id) => GetOrAdd(id.AsSpan());

    /// <inheritdoc cref="GetOrAdd(string)"/>
    public int GetOrAdd(ReadOnlySpan<char> id) => GetOrAdd(id, Hash(id));

    /// <summary><see cref="GetOrAdd(ReadOnlySpan{char})"/> with the id's <see cref="Hash"/> computed by the caller
    /// (e.g. by a parsing thread, while this one adds).</summary>
    internal int GetOrAdd(ReadOnlySpan<char> id, ulong hash)
    {
        TryAdd(id, hash, out int index);
        return index;
    }

    /// <summary>Adds <paramref name="id"/> unless present; false (and its index) when it was already there.</summary>
    public bool TryAdd(ReadOnlySpan<char> id, out int index) => TryAdd(id, Hash(id), out index);

    internal bool TryAdd(ReadOnlySpan<char> id, ulong hash, out int index)
    {
        int slot = Find(id, (uint)hash);
        if (_slots[slot] != 0)
        {
            index = (int)_slots[slot] - 1;
            return false;
        }
        if (2L * (_count + 1) > _slots.Length)
        {
            if (_slots.Length >= 1 << 30) throw new InvalidOperationException($"An id table holds at most {(1 << 29):N0} ids.");
            Rehash(_slots.Length * 2);
            slot = Find(id, (uint)hash);
        }
        index = Append(id);
        _slots[slot] = (long)((ulong)(uint)hash << 32 | (uint)(index + 1));
        return true;
    }

    public bool TryGetIndex(string id, out int index) => TryGetIndex(id.AsSpan(), out index);

    public bool TryGetIndex(ReadOnlySpan<char> id, out int index) => TryGetIndex(id, Hash(id), out index);

    internal bool TryGetIndex(ReadOnlySpan<char> id, ulong hash, out int index)
    {
        long s = _slots[Find(id, (uint)hash)];
        index = (int)s - 1;
        return s != 0;
    }

    /// <summary>For each id in index order, its index in <paramref name="other"/>, or −1 where <paramref name="other"/>
    /// lacks it (no strings made).</summary>
    public int[] IndicesIn(IdMap other)
    {
        var index = new int[_count];
        for (int i = 0; i < index.Length; i++) index[i] = other.TryGetIndex(Chars(i), out int j) ? j : -1;
        return index;
    }

    /// <summary>The ids whose <paramref name="keep"/> flag is set, in index order, as a new map (no strings made).</summary>
    /// <exception cref="ArgumentException"><paramref name="keep"/> does not have one flag per id.</exception>
    public IdMap Subset(ReadOnlySpan<bool> keep)
    {
        if (keep.Length != _count) throw new ArgumentException($"{keep.Length} flags for {_count} ids.", nameof(keep));
        int ids = 0;
        long chars = 0;
        for (int i = 0; i < keep.Length; i++)
            if (keep[i]) { ids++; chars += _starts[i + 1] - _starts[i]; }
        var subset = new IdMap();
        subset.EnsureCapacity(ids, chars);
        for (int i = 0; i < keep.Length; i++)
            if (keep[i]) subset.TryAdd(Chars(i), out _);
        return subset;
    }

    /// <summary>The ids, one per line ("\n" after each), as one string.</summary>
    public string ToLines()
    {
        var text = new System.Text.StringBuilder((int)Math.Min(int.MaxValue, _charCount + _count));
        for (int i = 0; i < _count; i++) text.Append(Chars(i)).Append('\n');
        return text.ToString();
    }

    /// <summary>The index of each id <paramref name="id"/>(k) with hash <paramref name="hashes"/>[k] (<see cref="Hash"/>), or −1
    /// where absent: lookups of many ids at once (e.g. a parsed chunk's item ids), each id's three dependent reads (its
    /// slot, its start, its characters) asked of the cache 16, 8 and 4 lookups ahead, so that their misses overlap instead
    /// of being paid one after another.</summary>
    internal void IndicesOf(ReadOnlySpan<ulong> hashes, Func<int, ReadOnlySpan<char>> id, Span<int> indices)
    {
        const int SlotAhead = 16, StartAhead = 8, CharsAhead = 4;
        for (int k = 0; k < hashes.Length; k++)
        {
            if (k + SlotAhead < hashes.Length) PrefetchSlot(hashes[k + SlotAhead]);
            if (k + StartAhead < hashes.Length && FirstCandidate(hashes[k + StartAhead]) is var i && i >= 0) CacheLines.Prefetch(_starts, i);
            if (k + CharsAhead < hashes.Length && FirstCandidate(hashes[k + CharsAhead]) is var c && c >= 0) CacheLines.Prefetch(_chars, _starts[c]);
            long slot = _slots[Find(id(k), (uint)hashes[k])];
            indices[k] = (int)slot - 1;
        }
    }

    // The index in the first slot of a lookup of this hash when its hash matches (the id is then most likely there), else −1.
    private int FirstCandidate(ulong hash)
    {
        long s = _slots[HomeSlot((uint)hash)];
        return s != 0 && (uint)(s >> 32) == (uint)hash ? (int)s - 1 : -1;
    }

    /// <summary>Asks the cache for the table slot where a lookup of an id with this <see cref="Hash"/> starts (a hint).</summary>
    internal void PrefetchSlot(ulong hash) => CacheLines.Prefetch(_slots, HomeSlot((uint)hash));

    // The slot where a lookup of this hash starts probing.
    private int HomeSlot(uint hash) => (int)(hash & (uint)(_slots.Length - 1));

    /// <summary>The index of <paramref name="id"/>.</summary>
    /// <exception cref="KeyNotFoundException">Unknown id; the message names it and <paramref name="what"/>.</exception>
    public int IndexOf(string id, string what = "id") =>
        TryGetIndex(id, out var i) ? i : throw new KeyNotFoundException($"Unknown {what} '{id}'.");

    /// <summary>Room for <paramref name="ids"/> ids of <paramref name="chars"/> characters in all, so that the tables are
    /// not regrown (copied and rehashed) while millions are added.</summary>
    public void EnsureCapacity(int ids, long chars)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ids);
        ArgumentOutOfRangeException.ThrowIfNegative(chars);
        if (ids + 1 > _starts.Length) _starts = Grown(_starts, _count + 1, ids + 1);
        if (chars > _chars.Length) _chars = Grown(_chars, _charCount, (int)Math.Min(chars, Array.MaxLength));
        long slots = MinSlots;
        while (slots < 2L * ids) slots *= 2;
        if (slots > _slots.Length) Rehash((int)Math.Min(slots, 1 << 30));
    }

    /// <summary>The hash the table files <paramref name="id"/> under (XxHash3 of its UTF-16 code units).</summary>
    internal static ulong Hash(ReadOnlySpan<char> id) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(id));

    private int Find(ReadOnlySpan<char> id, uint hash)
    {
        var slots = _slots;
        int mask = slots.Length - 1;
        for (int slot = HomeSlot(hash); ; slot = (slot + 1) & mask)
        {
            long s = slots[slot];
            if (s == 0) return slot;
            if ((uint)(s >> 32) == hash)
            {
                int i = (int)s - 1, start = _starts[i];
                if (_chars.AsSpan(start, _starts[i + 1] - start).SequenceEqual(id)) return slot;
            }
        }
    }

    private int Append(ReadOnlySpan<char> id)
    {
        if (_count + 2 > _starts.Length) _starts = Grown(_starts, _count + 1, Math.Max(_starts.Length * 2, 16));
        if (_charCount + (long)id.Length > _chars.Length)
        {
            long need = Math.Max(_chars.Length * 2L, Math.Max(256, _charCount + (long)id.Length));
            if (_charCount + (long)id.Length > Array.MaxLength)
                throw new InvalidOperationException($"The ids exceed {Array.MaxLength:N0} characters in all ({_count:N0} ids so far).");
            _chars = Grown(_chars, _charCount, (int)Math.Min(need, Array.MaxLength));
        }
        id.CopyTo(_chars.AsSpan(_charCount));
        _charCount += id.Length;
        _starts[_count + 1] = _charCount;
        return _count++;
    }

    private void Rehash(int slotCount)
    {
        var slots = HugePages.Allocate<long>(slotCount);
        Array.Clear(slots);
        int mask = slotCount - 1;
        foreach (long s in _slots)
        {
            if (s == 0) continue;
            int slot = (int)((uint)(s >> 32) & mask);
            while (slots[slot] != 0) slot = (slot + 1) & mask;
            slots[slot] = s;
        }
        _slots = slots;
    }

    private static T[] Grown<T>(T[] array, int used, int length) where T : unmanaged
    {
        var grown = HugePages.Allocate<T>(length);
        array.AsSpan(0, used).CopyTo(grown);
        return grown;
    }

    private sealed class IdList(IdMap map) : IReadOnlyList<string>
    {
        public int Count => map.Count;
        public string this[int index] => map[index];

        public IEnumerator<string> GetEnumerator()
        {
            for (int i = 0; i < map.Count; i++) yield return map[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
