using System.Text.Json;
using BlairClip.ML.Evaluation;
using FluentAssertions;

namespace BlairClip.ML.Tests.Evaluation;

/// <summary>The paired t-test, the Wilcoxon signed-rank test (exact and normal-approximation paths), Holm's correction
/// and erfc against Fixtures/stats/stats.json, written by make_stats_fixtures.py with Debian's SciPy 1.10.1.</summary>
public sealed class StatsFixtureTests
{
    private static readonly JsonElement Root = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "stats", "stats.json"))).RootElement;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Root.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PairedTests_MatchScipy(string name)
    {
        var c = Root.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var a = c.GetProperty("a").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var b = c.GetProperty("b").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var d = a.Zip(b, (x, y) => x - y).ToArray();
        if (c.GetProperty("ttest_p").ValueKind == JsonValueKind.Number)
            PairedComparison.TTest(d).P.Should().BeApproximately(c.GetProperty("ttest_p").GetDouble(), 1e-6, "scipy.stats.ttest_rel");
        if (c.GetProperty("wilcoxon_p").ValueKind == JsonValueKind.Number)
            SignedRankTest.TwoSidedP(d).Should().BeApproximately(c.GetProperty("wilcoxon_p").GetDouble(), 1e-6, "scipy.stats.wilcoxon");
    }

    [Fact]
    public void Holm_AndErfc_MatchTheReference()
    {
        var p = Root.GetProperty("holm").GetProperty("p").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var expected = Root.GetProperty("holm").GetProperty("adjusted").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Holm.Adjust(p).Should().Equal(expected, (x, y) => Math.Abs(x - y) < 1e-12);
        foreach (var pair in Root.GetProperty("erfc").EnumerateArray())
        {
            double x = pair[0].GetDouble(), v = pair[1].GetDouble();
            Normal.Erfc(x).Should().BeApproximately(v, Math.Max(1e-15, 1e-13 * v), $"erfc({x})");
        }
    }

    [Fact]
    public void Bootstrap_IsSeeded_AndCoversTheMean()
    {
        var rng = new Random(1);
        var values = Enumerable.Range(0, 500).Select(_ => rng.NextDouble()).ToArray();
        var first = PairedComparison.MeanInterval(values, 1000, seed: 7);
        PairedComparison.MeanInterval(values, 1000, seed: 7).Should().Be(first, "same seed, same interval");
        PairedComparison.MeanInterval(values, 1000, seed: 8).Should().NotBe(first);
        values.Average().Should().BeInRange(first.Lower, first.Upper);
        (first.Upper - first.Lower).Should().BeApproximately(2 * 1.96 * Math.Sqrt(1 / 12.0 / 500), 0.01, "about ±1.96 standard errors");
    }
}
