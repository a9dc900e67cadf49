using BlairClip.ML.Core;

namespace BlairClip.ML.Text.Tokenizers;

/// <summary>Settings of <see cref="ClipTokenizer"/>; the defaults are those of openai/clip-vit-base-patch32.</summary>
public sealed record ClipTokenizerOptions
{
    /// <summary>Context length: the longest encoded sequence, start and end tokens included (CLIP 77).</summary>
    public int ContextLength { get; init; } = 77;

    /// <summary>Whether <see cref="ClipTokenizer.EncodeBatch"/> pads every row to <see cref="ContextLength"/>
    /// (openai <c>clip.tokenize</c>) instead of to the longest row (HF <c>padding=True</c>).</summary>
    public bool PadToContextLength { get; init; }

    /// <summary>Id written into padded positions; null = <c>&lt;|endoftext|&gt;</c> (49407), as HF's
    /// <c>CLIPTokenizer</c> for openai checkpoints (openai's own <c>clip.tokenize</c> pads with 0).</summary>
    public int? PadTokenId { get; init; }
}

/// <summary>
/// OpenAI CLIP's BPE tokenizer (<c>clip/simple_tokenizer.py</c>) from a checkpoint's <c>vocab.json</c> +
/// <c>merges.txt</c>, a <c>tokenizer.json</c>, or OpenAI's <c>bpe_simple_vocab_16e6.txt.gz</c>: HTML unescape,
/// white space collapse and lower-casing (<see cref="ClipPreTokenizer"/>; ftfy's <c>fix_text</c> is not applied),
/// byte-level BPE with <c>&lt;/w&gt;</c> marking the end of each word, wrapped as
/// <c>&lt;|startoftext|&gt; … &lt;|endoftext|&gt;</c> (49406 … 49407). Thread-safe.
/// </summary>
public sealed class ClipTokenizer : ITextTokenizer
{
    private readonly BpeMerger _bpe;
    private readonly ClipTokenizerOptions _options;

    internal ClipTokenizer(BpeFiles files, ClipTokenizerOptions options)
    {
        InvalidOptionException.Check(options.ContextLength >= 2, "context_length", options.ContextLength,
            "must hold the start and end tokens (>= 2)");
        _options = options;
        // HF's CLIP vocab.json/merges.txt carry "</w>" in their tokens but nowhere say so; CLIP always uses it.
        _bpe = new BpeMerger(files.Vocab, files.Merges, files.EndOfWordSuffix ?? "</w>", files.Source);
        int Special(string token) => files.Vocab.TryGetValue(token, out var id) ? id
            : throw new InvalidDataException($"{files.Source}: CLIP needs the token '{token}', but the vocabulary lacks it.");
        StartTokenId = Special(ClipPreTokenizer.StartOfText);
        EndTokenId = Special(ClipPreTokenizer.EndOfText);
        PadTokenId = options.PadTokenId ?? EndTokenId;
    }

    /// <summary>Loads Hugging Face's <c>vocab.json</c> and <c>merges.txt</c>.</summary>
    /// <exception cref="InvalidDataException">A file is malformed; the message names the file and line.</exception>
    public static ClipTokenizer FromFiles(string vocabJson, string mergesTxt, ClipTokenizerOptions? options = null) =>
        new(TokenizerFiles.ReadVocabAndMerges(vocabJson, mergesTxt, "</w>"), options ?? new());

    /// <summary>Loads a Hugging Face <c>tokenizer.json</c> (its BPE vocab and merges).</summary>
    public static ClipTokenizer FromTokenizerJson(string tokenizerJson, ClipTokenizerOptions? options = null) =>
        new(TokenizerFiles.ReadTokenizerJson(tokenizerJson), options ?? new());

    /// <summary>Loads OpenAI's <c>bpe_simple_vocab_16e6.txt.gz</c>, building the vocabulary as simple_tokenizer.py.</summary>
    public static ClipTokenizer FromOpenAiBpe(string bpeGz, ClipTokenizerOptions? options = null) =>
        new(TokenizerFiles.ReadClipBpeGz(bpeGz), options ?? new());

    /// <summary><c>&lt;|startoftext|&gt;</c> (49406).</summary>
    public int StartTokenId { get; }
    /// <summary><c>&lt;|endoftext|&gt;</c> (49407).</summary>
    public int EndTokenId { get; }
    /// <inheritdoc/>
    public int PadTokenId { get; }
    /// <inheritdoc/>
    public int MaxLength => _options.ContextLength;
    /// <summary>Token string → id.</summary>
    public IReadOnlyDictionary<string, int> Vocab => _bpe.Vocab;

    /// <inheritdoc/>
    /// <remarks>With special tokens: <c>[49406] + ids + [49407]</c> cut to <see cref="ClipTokenizerOptions.ContextLength"/>
    /// with the last position set to 49407, as <c>clip.tokenize(truncate=True)</c>. <c>&lt;|startoftext|&gt;</c> and
    /// <c>&lt;|endoftext|&gt;</c> written in the text become their ids.</remarks>
    public int[] Encode(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var clean = ClipPreTokenizer.Clean(text);
        var ids = new List<int>(clean.Length / 3 + 2);
        if (addSpecialTokens) ids.Add(StartTokenId);
        var span = clean.AsSpan();
        for (var pos = 0; ClipPreTokenizer.Next(span, ref pos, out var start, out var end);)
        {
            var piece = span[start..end];
            if (piece.SequenceEqual(ClipPreTokenizer.StartOfText)) ids.Add(StartTokenId);
            else if (piece.SequenceEqual(ClipPreTokenizer.EndOfText)) ids.Add(EndTokenId);
            else _bpe.EncodeWord(piece, ids);
        }
        if (!addSpecialTokens) return [.. ids];
        ids.Add(EndTokenId);
        if (ids.Count > MaxLength)
        {
            ids.RemoveRange(MaxLength, ids.Count - MaxLength);
            ids[^1] = EndTokenId;
        }
        return [.. ids];
    }

    /// <inheritdoc/>
    /// <remarks>Rows right-padded with <see cref="PadTokenId"/> to the longest row (or to the context length
    /// when <see cref="ClipTokenizerOptions.PadToContextLength"/>); the mask is 1 on every real token, start and
    /// end included.</remarks>
    public TokenBatch EncodeBatch(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var rows = new int[texts.Count][];
        Parallel.For(0, texts.Count, i => rows[i] = Encode(texts[i]));
        return TokenBatch.Pad(rows, PadTokenId, _options.PadToContextLength ? MaxLength : 0);
    }
}
