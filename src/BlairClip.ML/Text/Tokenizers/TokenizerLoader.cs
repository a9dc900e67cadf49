namespace BlairClip.ML.Text.Tokenizers;

/// <summary>Builds the tokenizer of a Hugging Face checkpoint folder from the files it holds.</summary>
public static class TokenizerLoader
{
    /// <summary>
    /// Picks the tokenizer family from <c>tokenizer_config.json</c> (<c>tokenizer_class</c>) or <c>config.json</c>
    /// (<c>model_type</c> roberta | clip), falling back to the vocabulary's special tokens (<c>&lt;|startoftext|&gt;</c>
    /// → CLIP, <c>&lt;s&gt;</c> → RoBERTa); then reads <c>vocab.json</c> + <c>merges.txt</c> when present, else
    /// <c>tokenizer.json</c>, else (CLIP) <c>bpe_simple_vocab_16e6.txt.gz</c>. RoBERTa's max length comes from
    /// <c>tokenizer_config.json</c>'s <c>model_max_length</c> when it is a real bound.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="dir"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">None of the tokenizer files is present; the message lists them.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, or the family is unknown.</exception>
    public static ITextTokenizer FromFolder(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Tokenizer folder '{dir}' does not exist.");
        string P(string name) => Path.Combine(dir, name);
        var hasVocabMerges = File.Exists(P("vocab.json")) && File.Exists(P("merges.txt"));
        var hasTokenizerJson = File.Exists(P("tokenizer.json"));
        var hasOpenAiBpe = File.Exists(P("bpe_simple_vocab_16e6.txt.gz"));
        if (!hasVocabMerges && !hasTokenizerJson && !hasOpenAiBpe)
            throw new FileNotFoundException(
                $"No tokenizer files in '{dir}': expected vocab.json + merges.txt, or tokenizer.json, or "
                + $"bpe_simple_vocab_16e6.txt.gz (CLIP), but found [{string.Join(", ", ListNames(dir))}].");

        var files = hasVocabMerges ? TokenizerFiles.ReadVocabAndMerges(P("vocab.json"), P("merges.txt"), null)
            : hasTokenizerJson ? TokenizerFiles.ReadTokenizerJson(P("tokenizer.json"))
            : TokenizerFiles.ReadClipBpeGz(P("bpe_simple_vocab_16e6.txt.gz"));
        var family = Family(dir, files);
        return family switch
        {
            "clip" => new ClipTokenizer(files, new ClipTokenizerOptions()),
            "roberta" => new RobertaTokenizer(files, new RobertaTokenizerOptions
            {
                MaxLength = ModelMaxLength(P("tokenizer_config.json")) ?? new RobertaTokenizerOptions().MaxLength,
            }),
            _ => throw new InvalidDataException(
                $"{dir}: tokenizer family must be roberta or clip (tokenizer_config.json 'tokenizer_class' or config.json "
                + $"'model_type'), but was '{family}'."),
        };
    }

    private static string Family(string dir, BpeFiles files)
    {
        var declared = TokenizerFiles.ReadConfigString(Path.Combine(dir, "tokenizer_config.json"), "tokenizer_class")
            ?? TokenizerFiles.ReadConfigString(Path.Combine(dir, "config.json"), "model_type");
        if (declared is not null)
        {
            var d = declared.ToLowerInvariant();
            if (d.StartsWith("clip")) return "clip";
            if (d.StartsWith("roberta") || d.StartsWith("blair")) return "roberta";
            return d;
        }
        if (files.Vocab.ContainsKey(ClipPreTokenizer.StartOfText)) return "clip";
        if (files.Vocab.ContainsKey("<s>") || files.AddedTokens.Any(a => a.Content == "<s>")) return "roberta";
        return "unknown (no config names it and the vocabulary has neither <|startoftext|> nor <s>)";
    }

    // HF writes 1e30 when a tokenizer has no bound; only a real bound is used.
    private static int? ModelMaxLength(string tokenizerConfig) =>
        TokenizerFiles.ReadConfigNumber(tokenizerConfig, "model_max_length") is >= 2 and <= 1_000_000 and var d ? (int)d : null;

    private static IEnumerable<string> ListNames(string dir) =>
        Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).Select(n => n!);
}
