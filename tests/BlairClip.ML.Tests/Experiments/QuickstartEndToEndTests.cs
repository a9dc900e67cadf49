using System.Text.Json.Nodes;
using BlairClip.ML.Core;
using BlairClip.ML.Evaluation;
using BlairClip.ML.Experiments;
using BlairClip.ML.Experiments.Yaml;
using BlairClip.ML.Models;
using BlairClip.ML.Tests.Conformance;
using FluentAssertions;

namespace BlairClip.ML.Tests.Experiments;

/// <summary>Runs the shipped quickstart study on the embedded All_Beauty sample, end to end, once for the class.</summary>
public sealed class QuickstartFixture : IDisposable
{
    public string Output { get; } = Path.Combine(Directory.CreateTempSubdirectory("blairclip-e2e").FullName, "out");
    public StudyRunOutcome Outcome { get; }

    public QuickstartFixture() =>
        Outcome = StudyRunner.Run(Path.Combine(RepoPaths.Root, "experiments", "quickstart.yaml"), new StudyRunOptions
        {
            OutputDirectory = Output,
            // One BPR thread: bit-for-bit reproducible for the fixed seed.
            Overrides = ["models.BPR-MF.params.threads=1"],
        });

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(Output)!, true);
}

public sealed class QuickstartEndToEndTests(QuickstartFixture run) : IClassFixture<QuickstartFixture>
{
    private static readonly string[] Metrics = ["Recall@10", "Recall@50", "NDCG@10", "NDCG@50", "MRR", "AUC"];

    [Fact]
    public void Run_WritesEveryPromisedFile()
    {
        foreach (var f in new[] { "results.md", "results.csv", "results.json", "run.json", "per_user/BPR-MF.csv", "per_user/TF-IDF.csv",
                     "per_user/Popularity.csv", "models/BPR-MF.zip", "models/TF-IDF.zip", "models/Popularity.zip" })
            File.Exists(Path.Combine(run.Output, f)).Should().BeTrue(f);
        Directory.GetDirectories(Path.GetDirectoryName(run.Output)!).Should().Equal([run.Output], "the staging folder must be gone");
    }

    [Fact]
    public void ResultsJson_HasPromisedShape_253Users()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(run.Output, "results.json")))!;
        ((string)json["name"]!).Should().Be("all-beauty-baselines");
        var models = json["models"]!.AsArray();
        models.Select(m => (string)m!["name"]!).Should().Equal("Popularity", "TF-IDF", "BPR-MF", "ML.NET-Text");
        foreach (var m in models)
        {
            ((int)m!["users"]!).Should().Be(253);
            m["metrics"]!.AsObject().Select(p => p.Key).Should().Equal(Metrics);
            foreach (var (_, v) in m["metrics"]!.AsObject()) ((double)v!).Should().BeInRange(0, 1);
            ((double)m["fit_seconds"]!).Should().BeGreaterThanOrEqualTo(0);
            ((double)m["evaluate_seconds"]!).Should().BeGreaterThanOrEqualTo(0);
        }
    }

    [Fact]
    public void Bpr_BeatsPopularity_OnAucAndRecall50()
    {
        var byName = run.Outcome.Result.Models.ToDictionary(m => m.Name, m => m.Evaluation.Metrics);
        byName["BPR-MF"]["AUC"].Should().BeGreaterThan(byName["Popularity"]["AUC"]);
        byName["BPR-MF"]["Recall@50"].Should().BeGreaterThan(byName["Popularity"]["Recall@50"]);
    }

    [Fact]
    public void SameSeed_SameMetrics_WhateverTheThreadCount()
    {
        // BPR-MF's default schedule is deterministic: one thread and all cores give byte-identical metrics.
        string Metrics(int threads)
        {
            var dir = Path.Combine(Path.GetDirectoryName(run.Output)!, $"threads-{threads}");
            StudyRunner.Run(Path.Combine(RepoPaths.Root, "experiments", "quickstart.yaml"), new StudyRunOptions
            {
                OutputDirectory = dir, Overrides = [$"models.BPR-MF.params.threads={threads}", "output.save_models=false"],
            });
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!;
            return string.Join("\n", json["models"]!.AsArray().Select(m => m!["name"] + " " + m["metrics"]!.ToJsonString()));
        }
        var one = Metrics(1);
        one.Should().Contain("BPR-MF");
        Metrics(0).Should().Be(one);
        Metrics(3).Should().Be(one);
    }

    [Fact]
    public void PerUserCsv_OneRowPerTestUser_MeanEqualsTable()
    {
        var lines = File.ReadAllLines(Path.Combine(run.Output, "per_user", "TF-IDF.csv"));
        lines[0].Should().Be("user,item,rank,candidates," + string.Join(",", Metrics));
        lines.Length.Should().Be(1 + 253);
        var auc = lines.Skip(1).Select(l => double.Parse(l.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture)).Average();
        auc.Should().BeApproximately(run.Outcome.Result.Models.Single(m => m.Name == "TF-IDF").Evaluation.Metrics["AUC"], 1e-9);
    }

    [Fact]
    public void SavedModels_ReloadAndEvaluate_ToTheSameMetrics()
    {
        var doc = SpecDocument.Load(Path.Combine(RepoPaths.Root, "experiments", "quickstart.yaml"));
        var study = StudyData.Prepare(doc, new StageTimes());
        foreach (var result in run.Outcome.Result.Models)
        {
            var model = ModelArchive.Load(Path.Combine(run.Output, "models", result.FileStem + ".zip"));
            var aligned = new CatalogAlignedRecommender(model, study.Data.Users, study.Data.Items);
            (aligned.UnknownItems, aligned.UnknownUsers).Should().Be((0, 0));
            var again = new BlairClipContext().Evaluation.Ranking(study.Spec.Evaluation).Evaluate(aligned, study.Split.Test, study.TestHistories);
            again.Metrics.Should().Equal(result.Evaluation.Metrics, result.Name);
        }
    }

    [Fact]
    public void RunJson_RecordsSeedVersionsStagesAndData()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(run.Output, "run.json")))!;
        ((int)json["seed"]!).Should().Be(42);
        ((string)json["versions"]!["dotnet"]!).Should().StartWith(".NET");
        json["stage_seconds"]!.AsObject().Select(p => p.Key).Should().Contain(["load", "filter", "split", "fit:BPR-MF", "evaluate:BPR-MF"]);
        ((int)json["data"]!["users"]!).Should().Be(253);
        ((int)json["data"]!["items"]!).Should().Be(356);
        ((int)json["spec"]!["models"]![2]!["params"]!["threads"]!).Should().Be(1, "run.json holds the spec after --set overrides");
    }

    [Fact]
    public void Run_IntoNonEmptyFolderWithoutForce_IsRefusedBeforeWork()
    {
        FluentActions.Invoking(() => StudyRunner.Run(Path.Combine(RepoPaths.Root, "experiments", "quickstart.yaml"),
            new StudyRunOptions { OutputDirectory = run.Output })).Should().Throw<IOException>().WithMessage("*not empty; pass --force*");
    }

    /// <summary>The quickstart's TF-IDF row equals scikit-learn's, user by user (Fixtures/tfidf/generate_metrics.py).</summary>
    [Fact]
    public void TfIdf_MatchesScikitLearnReference_UserByUser()
    {
        var reference = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "tfidf", "tfidf_quickstart_metrics.json")))!;
        var tfidf = run.Outcome.Result.Models.Single(m => m.Name == "TF-IDF").Evaluation;
        var ours = tfidf.PerUser.ToDictionary(u => run.Outcome.Result.Users[u.User]);
        var rows = reference["per_user"]!.AsArray();
        rows.Count.Should().Be(253);
        foreach (var row in rows)
        {
            var u = ours[(string)row!["user"]!];
            run.Outcome.Result.Items[u.Item].Should().Be((string)row["item"]!);
            (u.Rank, u.Candidates).Should().Be(((double)row["rank"]!, (int)row["candidates"]!), (string)row["user"]!);
        }
        foreach (var (name, value) in reference["metrics"]!.AsObject())
            tfidf.Metrics[name].Should().BeApproximately((double)value!, 1e-12, name);
    }
}
