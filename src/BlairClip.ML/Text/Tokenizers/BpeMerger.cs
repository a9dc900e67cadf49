using System.Buffers;
using System.Collections.Concurrent;
using System.Text;

namespace BlairClip.ML.Text.Tokenizers;

/// <summary>
/// Byte-level BPE over one pre-tokenised word (Sennrich et al. 2016, as GPT-2's <c>encoder.py</c>): the word's
/// UTF-8 bytes become symbols through <see cref="ByteUnicode"/>; while some adjacent pair has a merge, the pair
/// of lowest rank is merged at every occurrence, left to right. Symbols are vocabulary ids, so a merge is one
/// dictionary probe on an id pair. Results are cached per word (the same words recur across a catalog).
/// </summary>
internal sealed class BpeMerger
{
    private const int MaxCachedWords = 200_000;
    private const int MaxStackSymbols = 256;

    private readonly Dictionary<(int Left, int Right), (int Rank, int Merged)> _merges;
    private readonly int[] _byteIds;
    private readonly int[] _byteEndIds;
    private readonly ConcurrentDictionary<string, int[]> _cache = new();
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;
    private int _cachedWords; // ConcurrentDictionary.Count takes every lock; this approximate count does not.

    /// <param name="vocab">Token string → id.</param>
    /// <param name="merges">Merge pairs in rank order (rank = index).</param>
    /// <param name="endOfWordSuffix">CLIP's <c>"&lt;/w&gt;"</c> appended to a word's last symbol; null for GPT-2.</param>
    /// <param name="source">File the vocabulary and merges came from, for error messages.</param>
    /// <exception cref="InvalidDataException">A byte symbol or a merge part/result is missing from the vocabulary.</exception>
    public BpeMerger(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<(string Left, string Right, int Line)> merges,
        string? endOfWordSuffix, string source)
    {
        Vocab = vocab;
        _byteIds = new int[256];
        _byteEndIds = new int[256];
        for (var b = 0; b < 256; b++)
        {
            var ch = ByteUnicode.ByteToChar[b].ToString();
            _byteIds[b] = Lookup(vocab, ch, source, $"byte 0x{b:X2}");
            _byteEndIds[b] = endOfWordSuffix is null ? _byteIds[b]
                : Lookup(vocab, ch + endOfWordSuffix, source, $"byte 0x{b:X2} at a word end");
        }
        _merges = new Dictionary<(int, int), (int, int)>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (l, r, line) = merges[rank];
            var where = $"merge '{l} {r}' (line {line})";
            var key = (Lookup(vocab, l, source, where), Lookup(vocab, r, source, where));
            // A repeated pair keeps its first (lowest) rank, as HF's tokenizers does.
            _merges.TryAdd(key, (rank, Lookup(vocab, l + r, source, where)));
        }
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Token string → id.</summary>
    public IReadOnlyDictionary<string, int> Vocab { get; }

    /// <summary>Number of merges with distinct pairs.</summary>
    public int MergeCount => _merges.Count;

    private static int Lookup(IReadOnlyDictionary<string, int> vocab, string token, string source, string what) =>
        vocab.TryGetValue(token, out var id) ? id
            : throw new InvalidDataException($"{source}: {what} needs the token '{token}' in the vocabulary, but it is absent.");

    /// <summary>Appends the ids of one pre-tokenised word to <paramref name="output"/>.</summary>
    public void EncodeWord(ReadOnlySpan<char> word, List<int> output)
    {
        if (_cacheBySpan.TryGetValue(word, out var cached))
        {
            output.AddRange(cached);
            return;
        }
        var ids = Merge(word);
        if (Volatile.Read(ref _cachedWords) < MaxCachedWords && _cacheBySpan.TryAdd(word, ids))
            Interlocked.Increment(ref _cachedWords);
        output.AddRange(ids);
    }

    private int[] Merge(ReadOnlySpan<char> word)
    {
        var byteCount = Encoding.UTF8.GetByteCount(word);
        byte[]? rentedBytes = null;
        int[]? rentedSyms = null;
        Span<byte> bytes = byteCount <= MaxStackSymbols ? stackalloc byte[byteCount] : (rentedBytes = ArrayPool<byte>.Shared.Rent(byteCount));
        Span<int> syms = byteCount <= MaxStackSymbols ? stackalloc int[byteCount] : (rentedSyms = ArrayPool<int>.Shared.Rent(byteCount));
        try
        {
            Encoding.UTF8.GetBytes(word, bytes);
            var len = byteCount;
            for (var i = 0; i < len; i++) syms[i] = _byteIds[bytes[i]];
            if (len > 0) syms[len - 1] = _byteEndIds[bytes[len - 1]];
            while (len > 1)
            {
                var best = (Rank: int.MaxValue, Merged: -1);
                var bestAt = -1;
                for (var i = 0; i + 1 < len; i++)
                    if (_merges.TryGetValue((syms[i], syms[i + 1]), out var m) && m.Rank < best.Rank)
                        (best, bestAt) = (m, i);
                if (bestAt < 0) break;
                int a = syms[bestAt], b = syms[bestAt + 1], write = bestAt;
                for (var i = bestAt; i < len;)
                {
                    if (i + 1 < len && syms[i] == a && syms[i + 1] == b) { syms[write++] = best.Merged; i += 2; }
                    else syms[write++] = syms[i++];
                }
                len = write;
            }
            return syms[..len].ToArray();
        }
        finally
        {
            if (rentedBytes is not null) ArrayPool<byte>.Shared.Return(rentedBytes);
            if (rentedSyms is not null) ArrayPool<int>.Shared.Return(rentedSyms);
        }
    }
}
