using BlairClip.ML.Core;

namespace BlairClip.ML.Data.Parsing;

/// <summary>Interaction events parsed from one chunk of lines on a parsing thread, in line order, waiting to be added to
/// a <see cref="LoadedDataBuilder"/> on the thread that numbers users: user ids as characters with their
/// <see cref="IdMap.Hash"/> already computed, items resolved to indices by the parsing thread (<see cref="ResolveItems"/>,
/// all of a chunk's at once). Reused chunk after chunk.</summary>
internal sealed class ParsedEvents
{
    private char[] _userChars = new char[1 << 16], _itemChars = new char[1 << 14];
    private int _charsUsed, _itemCharsUsed;
    private int[] _userStart = new int[1024], _userLength = new int[1024], _item = new int[1024];
    private int[] _itemStart = new int[1024], _itemLength = new int[1024];
    private ulong[] _userHash = new ulong[1024], _itemHash = new ulong[1024];
    private long[] _time = new long[1024];
    private float[] _rating = new float[1024];
    private string?[] _review = new string?[1024];
    private bool _withReviews;

    public int Count { get; private set; }

    public void Clear()
    {
        Count = _charsUsed = _itemCharsUsed = 0;
        if (_withReviews) Array.Clear(_review);
        _withReviews = false;
    }

    /// <summary>Adds an event whose item is known only by its id, until <see cref="ResolveItems"/>; give
    /// <paramref name="review"/> for every event or for none.</summary>
    public void Add(ReadOnlySpan<char> user, ReadOnlySpan<char> item, long timestamp, float rating, string? review)
    {
        if (Count > 0 && (review is not null) != _withReviews)
            throw new InvalidOperationException("Review texts must be given for every event or for none.");
        if (Count == _item.Length)
        {
            int n = Count * 2;
            Array.Resize(ref _userStart, n); Array.Resize(ref _userLength, n); Array.Resize(ref _userHash, n);
            Array.Resize(ref _item, n); Array.Resize(ref _time, n); Array.Resize(ref _rating, n); Array.Resize(ref _review, n);
            Array.Resize(ref _itemStart, n); Array.Resize(ref _itemLength, n); Array.Resize(ref _itemHash, n);
        }
        int e = Count++;
        (_userStart[e], _userLength[e]) = Append(ref _userChars, ref _charsUsed, user);
        _userHash[e] = IdMap.Hash(user);
        (_itemStart[e], _itemLength[e]) = Append(ref _itemChars, ref _itemCharsUsed, item);
        _itemHash[e] = IdMap.Hash(item);
        _time[e] = timestamp; _rating[e] = rating; _review[e] = review;
        _withReviews |= review is not null;
    }

    private static (int Start, int Length) Append(ref char[] chars, ref int used, ReadOnlySpan<char> id)
    {
        if (used + id.Length > chars.Length) Array.Resize(ref chars, Math.Max(chars.Length * 2, used + id.Length));
        id.CopyTo(chars.AsSpan(used));
        used += id.Length;
        return (used - id.Length, id.Length);
    }

    /// <summary>Looks every event's item up in <paramref name="items"/> and drops the events whose item it lacks, keeping
    /// the others in order; returns how many were dropped.</summary>
    public int ResolveItems(IdMap items)
    {
        items.IndicesOf(_itemHash.AsSpan(0, Count), e => _itemChars.AsSpan(_itemStart[e], _itemLength[e]), _item.AsSpan(0, Count));
        int kept = 0;
        for (int e = 0; e < Count; e++)
        {
            if (_item[e] < 0) continue;
            if (kept != e)
            {
                _userStart[kept] = _userStart[e]; _userLength[kept] = _userLength[e]; _userHash[kept] = _userHash[e];
                _item[kept] = _item[e]; _time[kept] = _time[e]; _rating[kept] = _rating[e]; _review[kept] = _review[e];
            }
            kept++;
        }
        int dropped = Count - kept;
        if (_withReviews) Array.Clear(_review, kept, dropped);
        Count = kept;
        return dropped;
    }

    public ReadOnlySpan<char> User(int e) => _userChars.AsSpan(_userStart[e], _userLength[e]);
    public ReadOnlySpan<ulong> UserHashes => _userHash.AsSpan(0, Count);
    /// <summary>The events' item indices (after <see cref="ResolveItems"/>).</summary>
    public ReadOnlySpan<int> Items => _item.AsSpan(0, Count);
    public ReadOnlySpan<long> Timestamps => _time.AsSpan(0, Count);
    public ReadOnlySpan<float> Ratings => _rating.AsSpan(0, Count);
    /// <summary>The review texts, or empty when none were given.</summary>
    public ReadOnlySpan<string?> Reviews => _withReviews ? _review.AsSpan(0, Count) : default;
}
