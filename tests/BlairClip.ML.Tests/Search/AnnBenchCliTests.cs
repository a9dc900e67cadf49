using BlairClip.ML.Tests.Cli;
using FluentAssertions;

namespace BlairClip.ML.Tests.Search;

/// <summary><c>blairclip bench --scale ann</c> in process, at a size that runs in a second.</summary>
[Collection("Console")]
public sealed class AnnBenchCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => InProcessCli.Run(args);

    [Fact]
    public void BenchAnn_PrintsOneTable_WithRecallLatencyAndSpeedUp()
    {
        var (code, stdout, stderr) = Run("bench", "--scale", "ann", "--vectors", "3000", "--queries", "30");
        code.Should().Be(0, stderr);
        stdout.Should().Contain("data: 3,000 vectors + 30 held-out queries").And.Contain("Gaussian clusters");
        stdout.Should().Contain("| HNSW build (M 16, ef_construction 200) | 3,000 vectors |");
        stdout.Should().Contain("| exact search (reference) |").And.Contain("| HNSW search, ef 200 (default) |").And.Contain("× exact | recall@10 ");
        stdout.Should().MatchRegex(@"p50 [0-9.]+ ms, p99 [0-9.]+ ms");
        stdout.Should().Contain("| HNSW load graph |");
    }

    [Fact]
    public void BenchAnn_RefusesAnEmptyCatalog()
    {
        var (code, _, stderr) = Run("bench", "--scale", "ann", "--vectors", "0");
        code.Should().Be(2);
        stderr.Should().Be($"error: `--vectors` must be at least 1, but was 0{Environment.NewLine}");
    }
}
