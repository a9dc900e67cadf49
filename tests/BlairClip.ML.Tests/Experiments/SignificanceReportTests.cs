using System.Text.Json.Nodes;
using BlairClip.ML.Evaluation;
using BlairClip.ML.Experiments;
using BlairClip.ML.Experiments.Yaml;
using BlairClip.ML.Tests.Data;
using FluentAssertions;

namespace BlairClip.ML.Tests.Experiments;

/// <summary>evaluation.baseline through the study runner: p-values, Holm, intervals and the table marks; the Random row.</summary>
public sealed class SignificanceReportTests : IDisposable
{
    private readonly TestFiles _files = new();
    public void Dispose() => _files.Dispose();

    private string Study(string evaluation) => _files.Write("study.yaml", "name: sig", "seed: 3",
        $"data: {{ format: amazon2023, reviews: {RepoPaths.AllBeauty}/All_Beauty.jsonl, meta: {RepoPaths.AllBeauty}/meta_All_Beauty.jsonl }}",
        "split: { method: leave_one_out }", $"evaluation: {evaluation}",
        "models:", "  - { name: Random, pipeline: random }", "  - { name: Popularity, pipeline: popularity }",
        "  - { name: TF-IDF, pipeline: tfidf }", "output: { save_models: false, per_user: false }");

    [Fact]
    public void Baseline_ComparesEveryOtherModel_HolmCorrected_AndMarksTheTable()
    {
        var outcome = StudyRunner.Run(Study("{ metrics: [Recall@50, NDCG@10, AUC], ties: average, baseline: Random }"),
            new StudyRunOptions { OutputDirectory = Path.Combine(_files.Dir, "out") });
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outcome.OutputDirectory, "results.json")))!;
        ((string)json["baseline"]!).Should().Be("Random");
        var models = json["models"]!.AsArray().ToDictionary(m => (string)m!["name"]!, m => m!);
        models["Random"]!["vs_baseline"].Should().BeNull("the baseline is not compared with itself");
        models["Random"]!["ci95"]!["AUC"]!.AsArray().Select(v => (double)v!).Should().AllSatisfy(v => v.Should().BeApproximately(0.5, 1e-12),
            "a constant score with average ties is exactly chance for every user");

        // The report's numbers are the tests' own: recompute them for TF-IDF and Popularity on NDCG@10.
        var byName = outcome.Result.Models.ToDictionary(m => m.Name, m => m.Evaluation);
        var t = new[] { "Popularity", "TF-IDF" }.Select(n => PairedComparison.Compare(byName[n], byName["Random"], "NDCG@10", 1000, 3)).ToArray();
        var holm = Holm.Adjust(t.Select(c => c.PValue).ToList());
        var tfidf = models["TF-IDF"]!["vs_baseline"]!["NDCG@10"]!;
        ((double)tfidf["ttest_p"]!).Should().Be(t[1].PValue);
        ((double)tfidf["ttest_p_holm"]!).Should().Be(holm[1]);
        ((double)tfidf["wilcoxon_p"]!).Should().Be(t[1].WilcoxonP);
        ((double)tfidf["difference"]!).Should().BeApproximately(t[1].MeanDifference, 1e-15);
        ((int)tfidf["significant"]!).Should().Be(1, "TF-IDF beats chance on the sample");
        // The intervals, drawn for every model and difference in one shared batch, equal each one bootstrapped alone.
        tfidf["ci95"]!.AsArray().Select(v => (double)v!).Should().Equal(t[1].CiLower, t[1].CiUpper);
        var (lower, upper) = PairedComparison.MeanInterval(byName["Popularity"].PerUserValues("Recall@50"), 1000, 3);
        models["Popularity"]!["ci95"]!["Recall@50"]!.AsArray().Select(v => (double)v!).Should().Equal(lower, upper);
        var table = File.ReadAllText(Path.Combine(outcome.OutputDirectory, "results.md"));
        table.Should().Contain("| Random (baseline) |").And.Contain("▲").And.Contain("## Against Random").And.Contain("## 95% confidence intervals");
    }

    [Fact]
    public void Random_WithAverageTies_IsExactlyChance()
    {
        var outcome = StudyRunner.Run(Study("{ metrics: [Recall@10, AUC], ties: average }"), new StudyRunOptions { OutputDirectory = Path.Combine(_files.Dir, "r") });
        var random = outcome.Result.Models.Single(m => m.Name == "Random").Evaluation;
        random.Metrics["AUC"].Should().BeApproximately(0.5, 1e-12);
        random.Metrics["Recall@10"].Should().BeApproximately(random.PerUser.Average(u => Math.Min(1.0, 10.0 / u.Candidates)), 1e-12);
    }

    [Fact]
    public void UnknownBaseline_IsRefusedBeforeData()
    {
        var spec = Study("{ baseline: Nope }");
        FluentActions.Invoking(() => StudyRunner.Run(spec, new())).Should().Throw<SpecException>().WithMessage("*evaluation.baseline 'Nope' is not a model of the study*");
    }
}
