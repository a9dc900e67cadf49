using BlairClip.ML.Tests.Conformance;
using FluentAssertions;

namespace BlairClip.ML.Tests.Cli;

/// <summary>The command line in process: exit codes, the one-line errors, and the files `run` writes.</summary>
[Collection("Console")]
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("blairclip-cli").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private static (int Code, string Out, string Err) Run(params string[] args) => InProcessCli.Run(args);

    private string Quickstart => Path.Combine(RepoPaths.Root, "experiments", "quickstart.yaml");

    [Fact]
    public void Run_Quiet_PrintsTableAndWritesFolder_ThenRecommendAndEvaluateUseTheZip()
    {
        var outDir = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = Run("run", Quickstart, "--output", outDir, "--quiet", "--set", "models.BPR-MF.params.epochs=2");
        code.Should().Be(0, stderr);
        stdout.Should().Contain("| TF-IDF | 253 |").And.Contain($"results: {outDir}");
        stderr.Should().BeEmpty("--quiet prints only the table");

        (code, stdout, stderr) = Run("recommend", "--model", Path.Combine(outDir, "models", "Popularity.zip"), "--user", "AFSKPY37N3C43SOI5IEXEK5JSIYA", "--top", "3");
        code.Should().Be(0, stderr);
        stdout.Split('\n').Count(l => l.Contains("│ B0")).Should().Be(3);

        (code, stdout, stderr) = Run("evaluate", "--model", Path.Combine(outDir, "models", "TF-IDF.zip"), Quickstart);
        code.Should().Be(0, stderr);
        var table = File.ReadAllText(Path.Combine(outDir, "results.md"));
        var tfidfRow = table.Split("\n").First(l => l.StartsWith("| TF-IDF |"));
        // The metric cells (not the timing cells) must be the same as in the study's table.
        stdout.Should().Contain(string.Join(" | ", tfidfRow.Split(" | ")[..8]));
    }

    [Fact]
    public void Evaluate_OnAStudyWithoutOverlap_IsRefused_AndUnknownHeldOutItemsAreSkippedNotHits()
    {
        var outDir = Path.Combine(_dir, "model");
        Run("run", Quickstart, "--output", outDir, "--quiet", "--set", "models.BPR-MF.params.epochs=1").Code.Should().Be(0);
        var zip = Path.Combine(outDir, "models", "Popularity.zip");

        // A study whose items are all foreign to the model: every item would tie, and an optimistic tie would count a hit.
        string Study(string name, params string[] reviews)
        {
            var dir = Path.Combine(_dir, name);
            Directory.CreateDirectory(dir);
            File.WriteAllLines(Path.Combine(dir, "reviews.jsonl"), reviews);
            var items = reviews.Select(r => r.Split("\"parent_asin\": \"")[1].Split('"')[0]).Distinct();
            File.WriteAllLines(Path.Combine(dir, "meta.jsonl"), items.Select(i => $"{{\"parent_asin\": \"{i}\", \"title\": \"t {i}\"}}"));
            File.WriteAllText(Path.Combine(dir, "study.yaml"), "name: foreign\ndata: { format: amazon2023, reviews: reviews.jsonl, meta: meta.jsonl, item_text: [title] }\n"
                + "split: { method: leave_one_out }\nmodels: [{ name: P, pipeline: popularity }]\n");
            return Path.Combine(dir, "study.yaml");
        }
        static string R(string user, string item, int t) => $"{{\"user_id\": \"{user}\", \"parent_asin\": \"{item}\", \"timestamp\": {t}}}";
        var foreign = Study("foreign", R("x1", "Z1", 1), R("x1", "Z2", 2), R("x2", "Z2", 1), R("x2", "Z3", 2));
        var (code, stdout, stderr) = Run("evaluate", "--model", zip, foreign);
        code.Should().Be(2);
        stderr.Should().Contain("none of the study's 3 items is in the model's catalog");
        stdout.Should().NotContain("1.0000");

        // Two users of the quickstart's catalog: one held-out item known to the model, one foreign: the foreign one is
        // skipped and counted, not ranked first.
        var quickstartItems = File.ReadAllLines(Path.Combine(RepoPaths.AllBeauty, "meta_All_Beauty.jsonl")).Take(3)
            .Select(l => l.Split("\"parent_asin\": \"")[1].Split('"')[0]).ToArray();
        var mixed = Study("mixed", R("y1", quickstartItems[0], 1), R("y1", quickstartItems[1], 2), R("y2", quickstartItems[2], 1), R("y2", "FOREIGN", 2));
        (code, stdout, stderr) = Run("evaluate", "--model", zip, mixed);
        code.Should().Be(0, stderr);
        stderr.Should().Contain("1 of 2 test users skipped: their held-out item is not in the model's catalog");
        stdout.Should().Contain("| Popularity | 1 |", "only the user whose held-out item the model knows is evaluated");
    }

    [Fact]
    public void Encode_NeverOverwritesWhatItReads_AndReplacesAnOutputOnlyWithForce()
    {
        // tiny-roberta's weights and config with the real roberta-base tokenizer files, assembled as one checkpoint folder.
        var checkpoint = Path.Combine(_dir, "tiny-roberta");
        Directory.CreateDirectory(checkpoint);
        var fixtures = Path.Combine(RepoPaths.Root, "tests", "BlairClip.ML.Tests", "Fixtures");
        foreach (var f in Directory.GetFiles(Path.Combine(fixtures, "checkpoints", "tiny-roberta"))
                     .Concat(new[] { "vocab.json", "merges.txt" }.Select(n => Path.Combine(fixtures, "tokenizers", "roberta-base", n)))
                     .Append(Path.Combine(RepoPaths.Root, "tests", "BlairClip.Towers.Tests", "Fixtures", "tiny-roberta", "config.json")))
            File.Copy(f, Path.Combine(checkpoint, Path.GetFileName(f)));
        var texts = Path.Combine(_dir, "texts.txt");
        File.WriteAllLines(texts, ["a red dress", "blue shoes"]);
        var weights = Directory.GetFiles(checkpoint).First(f => f.EndsWith(".safetensors") || f.EndsWith(".bin"));
        var before = File.ReadAllBytes(weights);
        var (code, _, stderr) = Run("encode", "-c", checkpoint, "--texts", texts, "--output", weights, "--force", "-q");
        code.Should().Be(2);
        stderr.Should().Contain("is a file this command reads (inside the checkpoint folder)");
        File.ReadAllBytes(weights).Should().Equal(before);
        (code, _, stderr) = Run("encode", "-c", checkpoint, "--texts", texts, "--output", texts, "--force", "-q");
        code.Should().Be(2);
        stderr.Should().Contain("the input list");

        var output = Path.Combine(_dir, "e.safetensors");
        File.WriteAllText(output, "precious");
        (code, _, stderr) = Run("encode", "-c", checkpoint, "--texts", texts, "--output", output, "-q");
        code.Should().Be(2);
        stderr.Should().Contain("exists; pass --force");
        File.ReadAllText(output).Should().Be("precious");
        (code, _, stderr) = Run("encode", "-c", checkpoint, "--texts", texts, "--output", output, "--force", "-q");
        code.Should().Be(0, stderr);
        new FileInfo(output).Length.Should().BeGreaterThan(100);
    }

    [Fact]
    public void Run_IntoNonEmptyOutput_IsRefusedUnlessForce()
    {
        var outDir = Path.Combine(_dir, "full");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "keep.txt"), "x");
        var (code, _, stderr) = Run("run", Quickstart, "--output", outDir, "--quiet");
        code.Should().Be(2);
        stderr.Should().Contain("not empty; pass --force");
        File.Exists(Path.Combine(outDir, "keep.txt")).Should().BeTrue();
    }

    [Fact]
    public void Run_OnAGzipCutShort_ExitsWith2NamingTheFileAndTheLine()
    {
        // Cut where a line ends, the lines before it loaded with exit 0 (e.g. 89 of 253 users).
        var reviews = File.ReadAllBytes(Path.Combine(RepoPaths.AllBeauty, "All_Beauty.jsonl"));
        var cut = Path.Combine(_dir, "All_Beauty.jsonl.gz");
        int lineEnd = Array.LastIndexOf(reviews, (byte)'\n', reviews.Length / 2) + 1;
        File.WriteAllBytes(cut, BlairClip.ML.Tests.IO.GzipBytes.CutAtFlush(reviews.AsSpan(0, lineEnd)));
        var (code, _, stderr) = Run("run", Quickstart, "--quiet", "--set", $"data.reviews={cut}", "--output", Path.Combine(_dir, "o"));
        code.Should().Be(2, stderr);
        stderr.Should().Match($"error: {cut}: damaged gzip data after line *: the file ends inside the deflate data of gzip member 1 (from byte 0) after * decompressed bytes: it is cut short (at compressed byte *)*");
        Directory.Exists(Path.Combine(_dir, "o")).Should().BeFalse();
    }

    [Fact]
    public void Errors_AreOneLineWithTheFileAndExitCode2()
    {
        var bad = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(bad, "name: x\nmodels: [a\n");
        var (code, _, stderr) = Run("run", bad);
        code.Should().Be(2);
        stderr.Should().StartWith($"error: {bad}:3:1: YAML syntax error:");
        stderr.Should().NotContain("   at ", "no stack trace");

        (code, _, stderr) = Run("recommend", "--model", Path.Combine(_dir, "missing.zip"), "--user", "u");
        code.Should().Be(2);
        stderr.Should().Contain("missing.zip");

        (code, _, stderr) = Run("run", Quickstart, "--set", "models.TF-IDF.params.max_featurez=3", "--output", Path.Combine(_dir, "o2"));
        code.Should().Be(2);
        stderr.Should().Contain("unknown parameter 'max_featurez'");
        Directory.Exists(Path.Combine(_dir, "o2")).Should().BeFalse("a failed run leaves no output folder");
        Directory.GetDirectories(_dir).Should().NotContain(d => Path.GetFileName(d).StartsWith(".o2.partial"));
    }
}
