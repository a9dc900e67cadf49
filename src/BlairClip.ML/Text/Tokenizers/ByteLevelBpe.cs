namespace BlairClip.ML.Text.Tokenizers;

/// <summary>
/// GPT-2-style byte-level BPE without post-processing (Hugging Face <c>ByteLevel</c> pre-tokenizer with
/// <c>add_prefix_space=false</c> + <c>BPE</c> model): added tokens are cut out of the text first, every other
/// stretch is split by <see cref="Gpt2PreTokenizer"/> and each piece is merged by <see cref="BpeMerger"/>.
/// </summary>
internal sealed class ByteLevelBpe
{
    private readonly BpeMerger _bpe;
    private readonly AddedTokenSplitter _added;

    public ByteLevelBpe(BpeFiles files, IEnumerable<AddedToken> addedTokens)
    {
        _bpe = new BpeMerger(files.Vocab, files.Merges, files.EndOfWordSuffix, files.Source);
        _added = new AddedTokenSplitter(addedTokens);
    }

    public IReadOnlyDictionary<string, int> Vocab => _bpe.Vocab;

    /// <summary>Appends the ids of <paramref name="text"/> to <paramref name="ids"/>; added tokens in the text are
    /// atomic when <paramref name="splitAddedTokens"/>.</summary>
    public void Encode(ReadOnlySpan<char> text, List<int> ids, bool splitAddedTokens)
    {
        if (!splitAddedTokens || !_added.MayOccurIn(text)) { EncodePlain(text, ids); return; }
        var pieces = new List<(int Start, int End, AddedToken? Token)>();
        _added.Split(text, pieces);
        foreach (var (start, end, token) in pieces)
            if (token is not null) ids.Add(token.Id);
            else EncodePlain(text[start..end], ids);
    }

    private void EncodePlain(ReadOnlySpan<char> text, List<int> ids)
    {
        for (var pos = 0; pos < text.Length;)
        {
            var end = Gpt2PreTokenizer.NextEnd(text, pos);
            _bpe.EncodeWord(text[pos..end], ids);
            pos = end;
        }
    }
}
