using BlairClip.ML.Core;

namespace BlairClip.ML.Text.Tokenizers;

/// <summary>Settings of <see cref="RobertaTokenizer"/>; the defaults are those of roberta-base.</summary>
public sealed record RobertaTokenizerOptions
{
    /// <summary>Longest encoded sequence, special tokens included (HF <c>max_length</c>; roberta-base 512).</summary>
    public int MaxLength { get; init; } = 512;

    /// <summary>Whether <c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>, <c>&lt;pad&gt;</c>, <c>&lt;unk&gt;</c>, <c>&lt;mask&gt;</c>
    /// written in the input text become their ids (HF's default) rather than being tokenised as characters.</summary>
    public bool SplitSpecialTokens { get; init; } = true;
}

/// <summary>
/// RoBERTa's tokenizer (also BLaIR's): GPT-2 byte-level BPE from a checkpoint's <c>vocab.json</c> +
/// <c>merges.txt</c> or <c>tokenizer.json</c>, with the <c>RobertaProcessing</c> template
/// <c>&lt;s&gt; A &lt;/s&gt;</c> / <c>&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;</c> and right padding by
/// <c>&lt;pad&gt;</c>. Reproduces Hugging Face's <c>RobertaTokenizer</c> ids exactly. Thread-safe.
/// </summary>
public sealed class RobertaTokenizer : ITextTokenizer
{
    private readonly ByteLevelBpe _bpe;
    private readonly RobertaTokenizerOptions _options;

    internal RobertaTokenizer(BpeFiles files, RobertaTokenizerOptions options)
    {
        InvalidOptionException.Check(options.MaxLength >= 2, "max_length", options.MaxLength,
            "must hold at least <s> and </s> (>= 2)");
        _options = options;
        int Special(string token) => files.Vocab.TryGetValue(token, out var id) ? id
            : files.AddedTokens.FirstOrDefault(a => a.Content == token)?.Id
              ?? throw new InvalidDataException($"{files.Source}: RoBERTa needs the special token '{token}', but the vocabulary lacks it.");
        BosTokenId = Special("<s>");
        PadTokenId = Special("<pad>");
        EosTokenId = Special("</s>");
        UnkTokenId = Special("<unk>");
        MaskTokenId = Special("<mask>");
        // vocab.json carries no AddedToken flags: use the slow tokenizer's, where only <mask> strips to its left.
        IEnumerable<AddedToken> added = files.AddedTokens.Count > 0 ? files.AddedTokens :
        [
            new("<s>", BosTokenId), new("<pad>", PadTokenId), new("</s>", EosTokenId), new("<unk>", UnkTokenId),
            new("<mask>", MaskTokenId, LStrip: true),
        ];
        _bpe = new ByteLevelBpe(files, added);
    }

    /// <summary>Loads <paramref name="vocabJson"/> and <paramref name="mergesTxt"/>.</summary>
    /// <exception cref="InvalidDataException">A file is malformed or lacks a special token; the message names it.</exception>
    public static RobertaTokenizer FromFiles(string vocabJson, string mergesTxt, RobertaTokenizerOptions? options = null) =>
        new(TokenizerFiles.ReadVocabAndMerges(vocabJson, mergesTxt, endOfWordSuffix: null), options ?? new());

    /// <summary>Loads a Hugging Face <c>tokenizer.json</c> (its BPE vocab, merges and added tokens).</summary>
    /// <exception cref="InvalidDataException">The file is malformed or not a BPE tokenizer.</exception>
    public static RobertaTokenizer FromTokenizerJson(string tokenizerJson, RobertaTokenizerOptions? options = null) =>
        new(TokenizerFiles.ReadTokenizerJson(tokenizerJson), options ?? new());

    /// <summary><c>&lt;s&gt;</c> (0 in roberta-base).</summary>
    public int BosTokenId { get; }
    /// <summary><c>&lt;/s&gt;</c> (2).</summary>
    public int EosTokenId { get; }
    /// <summary><c>&lt;pad&gt;</c> (1).</summary>
    public int PadTokenId { get; }
    /// <summary><c>&lt;unk&gt;</c> (3).</summary>
    public int UnkTokenId { get; }
    /// <summary><c>&lt;mask&gt;</c> (50264).</summary>
    public int MaskTokenId { get; }
    /// <inheritdoc/>
    public int MaxLength => _options.MaxLength;
    /// <summary>Token string → id.</summary>
    public IReadOnlyDictionary<string, int> Vocab => _bpe.Vocab;

    /// <inheritdoc/>
    /// <remarks>With special tokens: <c>[&lt;s&gt;] + ids[..MaxLength-2] + [&lt;/s&gt;]</c>.</remarks>
    public int[] Encode(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 2);
        _bpe.Encode(text, ids, _options.SplitSpecialTokens);
        if (!addSpecialTokens) return [.. ids];
        var keep = Math.Min(ids.Count, MaxLength - 2);
        var result = new int[keep + 2];
        result[0] = BosTokenId;
        ids.CopyTo(0, result, 1, keep);
        result[^1] = EosTokenId;
        return result;
    }

    /// <summary>
    /// <c>&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;</c>. When longer than <see cref="MaxLength"/>, tokens are
    /// dropped from the end of the longer of A and B, one at a time (from B on a tie), as HF's
    /// <c>truncation="longest_first"</c>.
    /// </summary>
    /// <exception cref="InvalidOptionException">MaxLength &lt; 4, which cannot hold the four special tokens.</exception>
    public int[] EncodePair(string first, string second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        InvalidOptionException.Check(MaxLength >= 4, "max_length", MaxLength, "must hold the 4 special tokens of a pair (>= 4)");
        List<int> a = [], b = [];
        _bpe.Encode(first, a, _options.SplitSpecialTokens);
        _bpe.Encode(second, b, _options.SplitSpecialTokens);
        int na = a.Count, nb = b.Count;
        while (na + nb > MaxLength - 4)
            if (na > nb) na--; else nb--;
        var result = new List<int>(na + nb + 4) { BosTokenId };
        result.AddRange(a.GetRange(0, na));
        result.Add(EosTokenId);
        result.Add(EosTokenId);
        result.AddRange(b.GetRange(0, nb));
        result.Add(EosTokenId);
        return [.. result];
    }

    /// <inheritdoc/>
    /// <remarks>Rows are <see cref="Encode"/> with special tokens, right-padded with <see cref="PadTokenId"/> to the
    /// longest row; the mask is 1 on <c>&lt;s&gt;</c>, text and <c>&lt;/s&gt;</c>.</remarks>
    public TokenBatch EncodeBatch(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var rows = new int[texts.Count][];
        Parallel.For(0, texts.Count, i => rows[i] = Encode(texts[i]));
        return TokenBatch.Pad(rows, PadTokenId);
    }

    /// <summary>Pair rows (<see cref="EncodePair"/>) right-padded into one batch: [pairs.Count, len].</summary>
    public TokenBatch EncodePairBatch(IReadOnlyList<(string First, string Second)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var rows = new int[pairs.Count][];
        for (var i = 0; i < rows.Length; i++) rows[i] = EncodePair(pairs[i].First, pairs[i].Second);
        return TokenBatch.Pad(rows, PadTokenId);
    }
}
