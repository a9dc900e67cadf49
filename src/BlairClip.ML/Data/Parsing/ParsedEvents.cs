using BlairClip.ML.Core;

namespace BlairClip.ML.Data.Parsing;

/// <summary>Interaction events parsed from one chunk of lines on a parsing thread, in line order, waiting to be added to
/// a <see cref="LoadedDataBuilder"/> on the thread that numbers users: user ids as characters with their
/// <see cref="IdMap.Hash"/> already computed, items already resolved to indices. Reused chunk after chunk.</summary>
internal sealed class ParsedEvents
{
    private char[] _userChars = new char[1 << 16];
    private int _charsUsed;
    private int[] _userStart = new int[1024], _userLength = new int[1024], _item = new int[1024];
    private ulong[] _userHash = new ulong[1024];
    private long[] _time = new long[1024];
    private float[] _rating = new float[1024];
    private string?[] _review = new string?[1024];
    private bool _withReviews;

    public int Count { get; private set; }

    public void Clear()
    {
        Count = _charsUsed = 0;
        if (_withReviews) Array.Clear(_review);
        _withReviews = false;
    }

    /// <summary>Adds an event; give <paramref name="review"/> for every event or for none.</summary>
    public void Add(ReadOnlySpan<char> user, int item, long timestamp, float rating, string? review)
    {
        if (Count > 0 && (review is not null) != _withReviews)
            throw new InvalidOperationException("Review texts must be given for every event or for none.");
        if (Count == _item.Length)
        {
            int n = Count * 2;
            Array.Resize(ref _userStart, n); Array.Resize(ref _userLength, n); Array.Resize(ref _userHash, n);
            Array.Resize(ref _item, n); Array.Resize(ref _time, n); Array.Resize(ref _rating, n); Array.Resize(ref _review, n);
        }
        if (_charsUsed + user.Length > _userChars.Length) Array.Resize(ref _userChars, Math.Max(_userChars.Length * 2, _charsUsed + user.Length));
        user.CopyTo(_userChars.AsSpan(_charsUsed));
        int e = Count++;
        _userStart[e] = _charsUsed; _userLength[e] = user.Length; _charsUsed += user.Length;
        _userHash[e] = IdMap.Hash(user);
        _item[e] = item; _time[e] = timestamp; _rating[e] = rating; _review[e] = review;
        _withReviews |= review is not null;
    }

    public ReadOnlySpan<char> User(int e) => _userChars.AsSpan(_userStart[e], _userLength[e]);
    public ReadOnlySpan<ulong> UserHashes => _userHash.AsSpan(0, Count);
    public ReadOnlySpan<int> Items => _item.AsSpan(0, Count);
    public ReadOnlySpan<long> Timestamps => _time.AsSpan(0, Count);
    public ReadOnlySpan<float> Ratings => _rating.AsSpan(0, Count);
    /// <summary>The review texts, or empty when none were given.</summary>
    public ReadOnlySpan<string?> Reviews => _withReviews ? _review.AsSpan(0, Count) : default;
}
