using System.Text.Json;

namespace BlairClip.ML.Text.Tokenizers;

/// <summary>The parts of a BPE tokenizer read from a checkpoint folder, whatever file layout they came in.</summary>
/// <param name="Vocab">Token string → id.</param>
/// <param name="Merges">Merge pairs in rank order, with the 1-based line (or array index) they came from.</param>
/// <param name="AddedTokens">Tokens matched in the raw text (tokenizer.json <c>added_tokens</c>); empty for vocab.json.</param>
/// <param name="EndOfWordSuffix">CLIP's <c>"&lt;/w&gt;"</c>, when the files say so.</param>
/// <param name="Source">The file(s) read, for error messages.</param>
internal sealed record BpeFiles(Dictionary<string, int> Vocab, List<(string Left, string Right, int Line)> Merges,
    List<AddedToken> AddedTokens, string? EndOfWordSuffix, string Source);

/// <summary>Readers for the BPE file layouts of Hugging Face and OpenAI checkpoints.</summary>
internal static class TokenizerFiles
{
    /// <summary>Reads <c>vocab.json</c> (a JSON object token → id) and <c>merges.txt</c> (an optional
    /// <c>#version</c> line, then one "left right" pair per line).</summary>
    public static BpeFiles ReadVocabAndMerges(string vocabPath, string mergesPath, string? endOfWordSuffix)
    {
        var vocab = ReadJson(vocabPath, root => ReadVocabObject(root, vocabPath, "the top-level value"));
        var merges = new List<(string, string, int)>();
        var lineNo = 0;
        foreach (var line in File.ReadLines(mergesPath))
        {
            lineNo++;
            if (lineNo == 1 && line.StartsWith("#version")) continue;
            if (line.Length == 0) continue;
            merges.Add(ParseMerge(line, $"{mergesPath} line {lineNo}", lineNo));
        }
        return new BpeFiles(vocab, merges, [], endOfWordSuffix, $"{vocabPath} + {mergesPath}");
    }

    /// <summary>Reads OpenAI's <c>bpe_simple_vocab_16e6.txt.gz</c> as <c>clip/simple_tokenizer.py</c> does: merge
    /// lines 1..48894 (49152 − 256 − 2) after the header; the vocabulary is the 256 byte characters, the same with
    /// <c>&lt;/w&gt;</c>, one token per merge, then <c>&lt;|startoftext|&gt;</c> and <c>&lt;|endoftext|&gt;</c>.</summary>
    public static BpeFiles ReadClipBpeGz(string path)
    {
        const int mergeCount = 49152 - 256 - 2;
        // Checked like a data file: a cut or damaged gzip is an error, not a shorter merge list.
        using var reader = new StreamReader(new IO.CheckedGzipStream(File.OpenRead(path), path));
        var merges = new List<(string, string, int)>(mergeCount);
        try
        {
            reader.ReadLine();
            for (var i = 0; i < mergeCount; i++)
            {
                var line = reader.ReadLine() ?? throw new InvalidDataException(
                    $"{path}: expected {mergeCount} merge lines after the header, but the file ends after {i}.");
                merges.Add(ParseMerge(line, $"{path} line {i + 2}", i + 2));
            }
            // The lines after are unused, but the gzip is checked to its end (trailers are only read there).
            reader.BaseStream.CopyTo(Stream.Null);
        }
        catch (IO.GzipDataException e)
        {
            // StreamReader reads ahead, so the damage lies at or after the line reached.
            throw new IO.GzipDataException(path, e.Offset, $"damaged gzip data after line {merges.Count + 1:N0}: {e.Problem}", e);
        }
        var vocab = new Dictionary<string, int>(49408);
        foreach (var c in ByteUnicode.TableOrder) vocab[c.ToString()] = vocab.Count;
        foreach (var c in ByteUnicode.TableOrder) vocab[c + "</w>"] = vocab.Count;
        foreach (var (l, r, _) in merges) vocab[l + r] = vocab.Count;
        vocab[ClipPreTokenizer.StartOfText] = vocab.Count;
        vocab[ClipPreTokenizer.EndOfText] = vocab.Count;
        return new BpeFiles(vocab, merges, [], "</w>", path);
    }

    /// <summary>Reads a Hugging Face fast-tokenizer file: <c>model.vocab</c>, <c>model.merges</c> ("a b" strings or
    /// [a, b] pairs), <c>model.end_of_word_suffix</c> and <c>added_tokens</c>.</summary>
    /// <exception cref="InvalidDataException">The model is not BPE, or a key is missing or of the wrong kind.</exception>
    public static BpeFiles ReadTokenizerJson(string path) => ReadJson(path, root =>
    {
        var model = Required(root, "model", JsonValueKind.Object, path, "model");
        var type = model.TryGetProperty("type", out var t) ? t.GetString() : "BPE";
        if (type != "BPE")
            throw new InvalidDataException($"{path}: key 'model.type' must be \"BPE\", but was \"{type}\".");
        var vocab = ReadVocabObject(Required(model, "vocab", JsonValueKind.Object, path, "model.vocab"), path, "'model.vocab'");
        var merges = new List<(string, string, int)>();
        var index = 0;
        foreach (var m in Required(model, "merges", JsonValueKind.Array, path, "model.merges").EnumerateArray())
        {
            var where = $"{path} key 'model.merges[{index}]'";
            if (m.ValueKind == JsonValueKind.String) merges.Add(ParseMerge(m.GetString()!, where, index));
            else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2
                     && m[0].ValueKind == JsonValueKind.String && m[1].ValueKind == JsonValueKind.String)
                merges.Add((m[0].GetString()!, m[1].GetString()!, index));
            else throw new InvalidDataException($"{where}: expected \"left right\" or [\"left\", \"right\"], but was {m.GetRawText()}.");
            index++;
        }
        var added = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens", out var tokens) && tokens.ValueKind == JsonValueKind.Array)
            foreach (var a in tokens.EnumerateArray())
                added.Add(new AddedToken(
                    Required(a, "content", JsonValueKind.String, path, "added_tokens[].content").GetString()!,
                    Required(a, "id", JsonValueKind.Number, path, "added_tokens[].id").GetInt32(),
                    a.TryGetProperty("lstrip", out var l) && l.ValueKind == JsonValueKind.True,
                    a.TryGetProperty("rstrip", out var r) && r.ValueKind == JsonValueKind.True));
        var suffix = model.TryGetProperty("end_of_word_suffix", out var s) && s.ValueKind == JsonValueKind.String
            && s.GetString() is { Length: > 0 } suf ? suf : null;
        return new BpeFiles(vocab, merges, added, suffix, path);
    });

    /// <summary>Reads one string-valued key of a small JSON config file, or null when the file or key is absent.</summary>
    public static string? ReadConfigString(string path, string key) => !File.Exists(path) ? null
        : ReadJson(path, root => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(key, out var v)
            && v.ValueKind == JsonValueKind.String ? v.GetString() : null);

    /// <summary>Reads one number-valued key of a small JSON config file, or null when the file or key is absent.</summary>
    public static double? ReadConfigNumber(string path, string key) => !File.Exists(path) ? null
        : ReadJson(path, root => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(key, out var v)
            && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : (double?)null);

    private static T ReadJson<T>(string path, Func<JsonElement, T> read)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream);
            return read(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"{path} line {e.LineNumber + 1}, column {e.BytePositionInLine + 1}: not valid JSON ({e.Message})", e);
        }
    }

    private static Dictionary<string, int> ReadVocabObject(JsonElement obj, string path, string what)
    {
        if (obj.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{path}: {what} must be a JSON object token → id, but was {obj.ValueKind}.");
        var vocab = new Dictionary<string, int>();
        foreach (var p in obj.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out var id) || id < 0)
                throw new InvalidDataException($"{path}: the id of token '{p.Name}' must be a non-negative integer, but was {p.Value.GetRawText()}.");
            vocab[p.Name] = id;
        }
        return vocab;
    }

    private static JsonElement Required(JsonElement obj, string key, JsonValueKind kind, string path, string fullKey) =>
        obj.TryGetProperty(key, out var v) && v.ValueKind == kind ? v
            : throw new InvalidDataException($"{path}: key '{fullKey}' must be a JSON {kind}, but was "
                + (obj.TryGetProperty(key, out var w) ? w.ValueKind.ToString() : "absent") + ".");

    private static (string, string, int) ParseMerge(string line, string where, int lineNo)
    {
        var space = line.IndexOf(' ');
        if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0)
            throw new InvalidDataException($"{where}: expected two tokens separated by one space, but was '{line}'.");
        return (line[..space], line[(space + 1)..], lineNo);
    }
}
