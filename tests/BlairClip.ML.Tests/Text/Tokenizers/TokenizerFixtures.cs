using System.Text.Json;
using System.Text.Json.Nodes;
using BlairClip.ML.Text.Tokenizers;

namespace BlairClip.ML.Tests.Text.Tokenizers;

/// <summary>The real roberta-base and CLIP tokenizer files and their goldens, copied under Fixtures/tokenizers.</summary>
internal static class TokenizerFixtures
{
    public static string Dir(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "Fixtures", "tokenizers", .. parts]);

    private static readonly Lazy<RobertaTokenizer> LazyRoberta = new(() =>
        RobertaTokenizer.FromFiles(Dir("roberta-base", "vocab.json"), Dir("roberta-base", "merges.txt")));

    private static readonly Lazy<ClipTokenizer> LazyClip = new(() =>
        ClipTokenizer.FromFiles(Dir("clip", "vocab.json"), Dir("clip", "merges.txt")));

    public static RobertaTokenizer Roberta => LazyRoberta.Value;
    public static ClipTokenizer Clip => LazyClip.Value;

    private static JsonNode Golden(string name) => JsonNode.Parse(File.ReadAllText(Dir("goldens", name)))!;

    private static int[] Ints(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<int>()).ToArray();

    /// <summary>(text, ids without special tokens) of HF's roberta-base tokenizer: 46 rows.</summary>
    public static TheoryData<string, int[]> RobertaCases()
    {
        var data = new TheoryData<string, int[]>();
        foreach (var c in Golden("roberta_goldens.json")["cases"]!.AsArray())
            data.Add(c!["text"]!.GetValue<string>(), Ints(c["ids"]));
        return data;
    }

    /// <summary>(text, ids with &lt;s&gt; … &lt;/s&gt;) of the single-text special-token cases.</summary>
    public static TheoryData<string, int[]> RobertaSpecialCases()
    {
        var data = new TheoryData<string, int[]>();
        foreach (var c in Golden("roberta_goldens.json")["special_token_cases"]!.AsArray())
            if (c!["text"] is { } text) data.Add(text.GetValue<string>(), Ints(c["ids_with_special"]));
        return data;
    }

    /// <summary>(text, ids without specials, ids with specials) of openai's simple_tokenizer: 18 rows.</summary>
    public static TheoryData<string, int[], int[]> ClipCases()
    {
        var data = new TheoryData<string, int[], int[]>();
        foreach (var c in Golden("clip_simple_tokenizer_goldens.json")["cases"]!.AsArray())
            data.Add(c!["text"]!.GetValue<string>(), Ints(c["ids_no_special"]), Ints(c["ids_with_special"]));
        return data;
    }

    /// <summary>Writes a Hugging Face tokenizer.json holding <paramref name="vocabJson"/>'s vocabulary and
    /// <paramref name="mergesTxt"/>'s merges, as "a b" strings or as [a, b] pairs.</summary>
    public static void WriteTokenizerJson(string path, string vocabJson, string mergesTxt, bool mergesAsPairs,
        string? endOfWordSuffix, IEnumerable<AddedToken> added)
    {
        var merges = new JsonArray();
        foreach (var line in File.ReadLines(mergesTxt).Skip(1).Where(l => l.Length > 0))
            merges.Add(mergesAsPairs ? new JsonArray(line.Split(' ').Select(s => (JsonNode)JsonValue.Create(s)!).ToArray())
                : JsonValue.Create(line));
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(added.Select(a => (JsonNode)new JsonObject
            {
                ["id"] = a.Id, ["content"] = a.Content, ["special"] = true, ["single_word"] = false,
                ["lstrip"] = a.LStrip, ["rstrip"] = a.RStrip, ["normalized"] = true,
            }).ToArray()),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["end_of_word_suffix"] = endOfWordSuffix,
                ["vocab"] = JsonNode.Parse(File.ReadAllText(vocabJson)),
                ["merges"] = merges,
            },
        };
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    }

    /// <summary>A fresh empty folder under the temp directory.</summary>
    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "blairclip-tok-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
