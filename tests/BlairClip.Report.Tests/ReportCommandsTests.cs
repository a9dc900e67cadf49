using System.Globalization;
using System.Text.Json.Nodes;
using BlairClip.ML.Tests.Cli;
using FluentAssertions;

namespace BlairClip.Report.Tests;

/// <summary>The report, compare and data stats --plots verbs through the command line, in process.</summary>
[Collection("Console")]
public sealed class ReportCommandsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("blairclip-verbs").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private static (int Code, string Out, string Err) Cli(params string[] args) => InProcessCli.Run(args);

    private string Run(string name, params string[] sets)
    {
        var output = Path.Combine(_dir, name);
        var args = new List<string> { "run", TestRuns.Quickstart, "--quiet", "--output", output, "--set", "models.BPR-MF.params.epochs=3" };
        foreach (var s in sets) { args.Add("--set"); args.Add(s); }
        var (code, _, err) = Cli([.. args]);
        code.Should().Be(0, err);
        return output;
    }

    private static double Metric(string run, string model, string metric) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(run, "results.json")))!["models"]!.AsArray().Single(m => m!["name"]!.GetValue<string>() == model)!["metrics"]![metric]!.GetValue<double>();

    [Fact]
    public void Compare_two_seeds_gives_mean_and_std_and_paired_tests_and_writes_three_files()
    {
        var a = Run("seed1", "seed=1");
        var b = Run("seed2", "seed=2");
        double x = Metric(a, "BPR-MF", "Recall@50"), y = Metric(b, "BPR-MF", "Recall@50");
        x.Should().NotBe(y, "BPR-MF's initialisation follows the seed");

        var outDir = Path.Combine(_dir, "cmp");
        var (code, stdout, stderr) = Cli("compare", a, b, "--baseline", "Popularity", "--output", outDir);
        code.Should().Be(0, stderr);
        double mean = (x + y) / 2, std = Math.Abs(x - y) / Math.Sqrt(2);
        stdout.Should().Contain($"{mean.ToString("F4", CultureInfo.InvariantCulture)} ± {std.ToString("F4", CultureInfo.InvariantCulture)}");
        stdout.Should().Contain("| Popularity (baseline) |").And.Contain("| BPR-MF | Recall@50 |").And.NotContain("Per-user tests not run");

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "compare.json")))!;
        json["models"]!["BPR-MF"]!["Recall@50"]!["mean"]!.GetValue<double>().Should().BeApproximately(mean, 1e-15);
        var test = json["vs_baseline"]!.AsArray().Single(t => t!["model"]!.GetValue<string>() == "TF-IDF" && t["metric"]!.GetValue<string>() == "NDCG@10")!;
        test["users"]!.GetValue<int>().Should().Be(253);
        // TF-IDF and Popularity do not depend on the seed: the per-user test over averaged users is the run's own test.
        test["difference"]!.GetValue<double>().Should().BeApproximately(Metric(a, "TF-IDF", "NDCG@10") - Metric(a, "Popularity", "NDCG@10"), 1e-12);
        test["users_wilcoxon_p"]!.GetValue<double>().Should().BeInRange(0, 0.05);
        File.ReadAllText(Path.Combine(outDir, "compare.html")).Should().Contain("<td>BPR-MF</td>");

        // Never overwrites; refuses a lone run and an unknown baseline with one line each.
        Cli("compare", a, b, "--output", outDir).Code.Should().Be(2);
        Cli("compare", a).Err.Should().Contain("at least two");
        Cli("compare", a, b, "--baseline", "Nope").Err.Should().StartWith("error: `--baseline`").And.Contain("BPR-MF");
    }

    [Fact]
    public void Compare_runs_with_different_users_skips_the_per_user_tests_and_says_why()
    {
        var a = Run("all");
        var b = Run("heavy", "filter.min_user_interactions=8");
        var (code, stdout, stderr) = Cli("compare", a, b, "--baseline", "Popularity");
        code.Should().Be(0, stderr);
        stdout.Should().Contain("Per-user tests not run: per-user tests need the same test users in every run");
    }

    [Fact]
    public void Report_redoes_the_report_of_a_run_folder_and_refuses_other_folders()
    {
        var run = Run("r");
        var report = Path.Combine(run, "report.html");
        File.Delete(report);
        Directory.Delete(Path.Combine(run, "plots"), true);
        var (code, stdout, stderr) = Cli("report", run);
        code.Should().Be(0, stderr);
        stdout.Should().Contain(report);
        File.ReadAllText(report).Should().Contain("Recall@K, K = 1…100");
        File.Exists(Path.Combine(run, "plots", "recall_at_k.svg")).Should().BeTrue();

        var plain = Path.Combine(_dir, "plain");
        Directory.CreateDirectory(plain);
        (code, _, stderr) = Cli("report", plain);
        code.Should().Be(2);
        stderr.Should().Contain("is not a results folder").And.Contain("results.json");
        Directory.EnumerateFileSystemEntries(plain).Should().BeEmpty();
    }

    [Fact]
    public void Data_stats_plots_draws_the_exploratory_figures_and_never_overwrites()
    {
        var dir = Path.Combine(_dir, "eda");
        var (code, stdout, stderr) = Cli("data", "stats", TestRuns.Quickstart, "--plots", dir);
        code.Should().Be(0, stderr);
        stdout.Should().Contain($"plots: {FigureIndex.DataFigures.Count} figures");
        foreach (var name in FigureIndex.DataFigures)
            File.ReadAllText(Path.Combine(dir, name + ".svg")).Should().Contain("<svg");
        FigureIndex.Read(dir).Select(f => f.Name).Should().Equal(FigureIndex.DataFigures);

        (code, _, stderr) = Cli("data", "stats", TestRuns.Quickstart, "--plots", dir);
        code.Should().Be(2);
        stderr.Should().Contain("never overwrites");
    }

    [Fact]
    public void Search_and_search_eval_through_the_command_line()
    {
        var run = Run("s");
        var zip = Path.Combine(run, "models", "TF-IDF.zip");
        var (code, stdout, stderr) = Cli("search", "--model", zip, "--text", "shampoo for dry curly hair", "--top", "3", "--json");
        code.Should().Be(0, stderr);
        var json = JsonNode.Parse(stdout)!;
        json["results"]!.AsArray().Should().HaveCount(3);
        var top = json["results"]![0]!["item"]!.GetValue<string>();
        var model = BlairClip.ML.Models.ModelArchive.Load(zip);
        top.Should().Be(BlairClip.ML.Search.ModelSearch.For(model).Search(new BlairClip.ML.Search.SearchQuery("shampoo for dry curly hair", null), 1)[0].ItemId);

        (code, _, stderr) = Cli("search", "--model", Path.Combine(run, "models", "BPR-MF.zip"), "--text", "x");
        code.Should().Be(2);
        stderr.Should().StartWith("error: model 'BPR-MF'").And.Contain("no item content");
        (code, _, stderr) = Cli("search", "--model", zip, "--text", "x", "--rerank", "five");
        stderr.Should().Contain("`--rerank`");

        var ids = Path.Combine(_dir, "ids.txt");
        File.WriteAllLines(ids, model.Items.Ids.Take(20));
        (code, stdout, stderr) = Cli("search-eval", "--model", zip, "--title-queries", ids, "--k", "1,10");
        code.Should().Be(0, stderr);
        stdout.Should().Contain("20 queries").And.Contain("AvgMeanSimilarity@5 0.").And.Contain("Recall@10");
        var recall1 = double.Parse(stdout.Split('\n').Single(l => l.StartsWith("Recall@1 ")).Split(' ')[1], CultureInfo.InvariantCulture);
        recall1.Should().BeGreaterThan(0.5, "an item's own title finds it through TF-IDF");
    }

    [Fact]
    public void Force_replaces_a_run_folder_with_its_report_but_not_one_holding_other_files()
    {
        var run = Run("f");
        File.Exists(Path.Combine(run, "report.html")).Should().BeTrue();
        var (code, _, stderr) = Cli("run", TestRuns.Quickstart, "--quiet", "--output", run, "--force", "--set", "models.BPR-MF.params.epochs=1");
        code.Should().Be(0, stderr);
        File.WriteAllText(Path.Combine(run, "notes.txt"), "mine");
        (code, _, stderr) = Cli("run", TestRuns.Quickstart, "--quiet", "--output", run, "--force", "--set", "models.BPR-MF.params.epochs=1");
        code.Should().Be(2);
        stderr.Should().Contain("notes.txt");
        File.ReadAllText(Path.Combine(run, "notes.txt")).Should().Be("mine");
    }

    [Fact]
    public void ResultsJson_FromANewerFormat_IsRefusedNamingTheFile_AndOneWithoutAVersionIsRead()
    {
        var a = Run("v-a");
        var b = Run("v-b", "seed=43");
        var file = Path.Combine(b, "results.json");
        var json = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        json["format"]!.GetValue<string>().Should().Be("blairclip.results");
        json["format_version"]!.GetValue<int>().Should().Be(1);

        // Written before the version existed: read as version 1.
        json.Remove("format"); json.Remove("format_version");
        File.WriteAllText(file, json.ToJsonString());
        Cli("compare", a, b, "--output", Path.Combine(_dir, "cmp-old")).Code.Should().Be(0);

        json["format_version"] = 2;
        File.WriteAllText(file, json.ToJsonString());
        var (code, _, err) = Cli("compare", a, b, "--output", Path.Combine(_dir, "cmp-new"));
        code.Should().NotBe(0);
        err.Should().Contain(file).And.Contain("newer BlairClip.ML (results format 2)");
        Directory.Exists(Path.Combine(_dir, "cmp-new")).Should().BeFalse("nothing is written for a run it cannot read");
    }
}
