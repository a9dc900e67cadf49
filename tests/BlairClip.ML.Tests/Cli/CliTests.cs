using BlairClip.ML.Tests.Conformance;
using FluentAssertions;

namespace BlairClip.ML.Tests.Cli;

[CollectionDefinition("Console", DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>The command line in process: exit codes, the one-line errors, and the files `run` writes.</summary>
[Collection("Console")]
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("blairclip-cli").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o); Console.SetError(e);
        try { return (BlairClip.Cli.Program.Main(args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

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
        var tfidfRow = table.Split('\n').Single(l => l.StartsWith("| TF-IDF |"));
        // The metric cells (not the timing cells) must be the same as in the study's table.
        stdout.Should().Contain(string.Join(" | ", tfidfRow.Split(" | ")[..8]));
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
