using System.Text.Json.Nodes;
using BlairClip.ML.Data;
using BlairClip.ML.Experiments;
using BlairClip.ML.Experiments.Yaml;
using BlairClip.ML.Tests.Data;
using FluentAssertions;

namespace BlairClip.ML.Tests.Features;

/// <summary>A study using <c>data.item_features</c> run end to end by the study runner on a hand-made data set: two
/// clusters of items (a*, b*) whose feature vectors are orthogonal, one item (c1) without a feature row and one
/// feature row (zz) for no catalog item.</summary>
public sealed class ItemFeaturesStudyTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string WriteStudy(string featureEntry)
    {
        _files.Write("interactions.csv", "user,item,ts",
            "u1,a1,1", "u1,a2,2", "u1,a3,3",
            "u2,b1,1", "u2,b2,2", "u2,b3,3",
            "u3,a2,1", "u3,a1,2", "u3,a3,3",
            "u4,b3,1", "u4,b1,2", "u4,b2,3",
            "u5,a1,1", "u5,c1,2");
        _files.Write("features.csv", "id,x,y", "a1,1,0", "a2,2,0", "a3,3,0", "b1,0,1", "b2,0,2", "b3,0,3", "zz,5,5");
        var pipeline = Path.Combine(RepoPaths.Root, "pipelines", "features.yaml");
        return _files.Write("study.yaml",
            "name: features-e2e",
            "data:",
            "  format: table",
            "  interactions: { path: interactions.csv, user: user, item: item, timestamp: ts }",
            "  item_features:",
            featureEntry,
            "evaluation:",
            "  exclude_history: true",
            "  ties: optimistic",
            "  metrics: [MRR, Recall@1]",
            "models:",
            "  - name: Image",
            $"    pipeline: {pipeline}",
            "    params: { features_column: emb }",
            "  - name: Image skip",
            $"    pipeline: {pipeline}",
            "    params: { features_column: emb, missing: skip }",
            "output: { save_models: true, per_user: false }");
    }

    [Fact]
    public void Run_ItemFeaturesStudy_ScoresAsFormulasAndReportsMissingItems()
    {
        var study = WriteStudy("    - { name: emb, path: features.csv }");
        var output = Path.Combine(_files.Dir, "out");
        var outcome = StudyRunner.Run(study, new StudyRunOptions { OutputDirectory = output });

        var metrics = outcome.Result.Models.ToDictionary(m => m.Name, m => m.Evaluation.Metrics);
        // u1–u4's test item is the only unseen item of their cluster: rank 1. u5 (history a1) has test item c1,
        // which has no feature row: zero scores it 0, below a2 and a3 and tied (optimistic) with b1–b3 → rank 3;
        // skip scores it −∞, below all five other unseen items → rank 6.
        metrics["Image"]["MRR"].Should().BeApproximately((4 + 1.0 / 3) / 5, 1e-9);
        metrics["Image skip"]["MRR"].Should().BeApproximately((4 + 1.0 / 6) / 5, 1e-9);
        metrics["Image"]["Recall@1"].Should().BeApproximately(4.0 / 5, 1e-9);

        var data = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "run.json")))!["data"]!;
        ((int)data["item_features.emb.rows"]!).Should().Be(7);
        ((int)data["item_features.emb.matched_items"]!).Should().Be(6);
        ((int)data["item_features.emb.missing_items"]!).Should().Be(1);
        ((int)data["item_features.emb.unknown_ids"]!).Should().Be(1);
        foreach (var zip in Directory.GetFiles(Path.Combine(output, "models")))
            BlairClip.ML.Models.ModelArchive.Load(zip).Recommender.Should().BeOfType<BlairClip.ML.Recommenders.EmbeddingModel>();
        Directory.GetFiles(Path.Combine(output, "models")).Should().HaveCount(2);
    }

    [Fact]
    public void Prepare_UnknownKeyInItemFeatures_SpecErrorNamesKey()
    {
        var study = WriteStudy("    - { name: emb, path: features.csv, tensr: features }");
        var act = () => StudyData.Prepare(SpecDocument.Load(study), new StageTimes());
        act.Should().Throw<SpecException>().WithMessage("*tensr*");
    }

    [Fact]
    public void Prepare_IdsKeyWithCsv_SpecErrorNamesKeyAndFile()
    {
        _files.Write("ids.txt", "a1");
        var study = WriteStudy("    - { name: emb, path: features.csv, ids: ids.txt }");
        var act = () => StudyData.Prepare(SpecDocument.Load(study), new StageTimes());
        act.Should().Throw<SpecException>().WithMessage("*study.yaml*'ids' is not used with CSV (features.csv)*");
    }
}
