using BlairClip.ML.Experiments;
using BlairClip.ML.Tests;
using BlairClip.ML.Tests.Data;
using FluentAssertions;

namespace BlairClip.Towers.Tests.Training;

/// <summary>pipelines/blair-reviews.yaml on the embedded All_Beauty sample: the Amazon loader's review texts train the
/// tiny RoBERTa tower on BLaIR's review ↔ meta objective, text only, through the study runner.</summary>
public sealed class BlairReviewStudyTests : IDisposable
{
    private readonly TestFiles _files = new();
    private string Dir => _files.Dir;

    public void Dispose() => _files.Dispose();

    [Fact]
    public void AllBeautyReviews_TrainTheTextTower_AndTheModelIsEvaluated()
    {
        var spec = Path.Combine(Dir, "study.yaml");
        File.WriteAllText(spec, $"""
            name: blair-reviews
            seed: 2
            data:
              format: amazon2023
              reviews: {RepoPaths.AllBeauty}/All_Beauty.jsonl
              meta: {RepoPaths.AllBeauty}/meta_All_Beauty.jsonl
              item_text: [title, features]
              review_text: [title, text]
            filter: {"{"} min_user_interactions: 2 {"}"}
            split: {"{"} method: leave_one_out {"}"}
            models:
              - name: BLaIR (reviews)
                pipeline: {Path.Combine(RepoPaths.Root, "pipelines", "blair-reviews.yaml")}
                params: {"{"} text_tower: {Fixtures.TinyRoberta}, epochs: 2, batch_size: 32, max_seq_length: 24, learning_rate: 0.001, projection_dim: 16 {"}"}
            output: {"{"} save_models: true, per_user: false {"}"}
            """);
        var outcome = StudyRunner.Run(spec, new StudyRunOptions { OutputDirectory = Path.Combine(Dir, "out") });

        var runJson = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(outcome.OutputDirectory, "run.json")))!;
        var text = runJson.ToJsonString();
        text.Should().Contain("\"blair_clip_review_meta_pairs\":").And.Contain("\"blair_clip_review_image_pairs\":0");
        var model = runJson["models"]![0]!["training"]!;
        var losses = model["epoch_loss"]!.AsArray().Select(n => (double)n!).ToArray();
        losses.Should().HaveCount(2).And.OnlyContain(l => double.IsFinite(l));
        losses[1].Should().BeLessThan(losses[0], "the review ↔ meta loss falls on real reviews");
        outcome.Result.Models.Single().Evaluation.Metrics["Recall@10"].Should().BeInRange(0, 1);
        File.Exists(Path.Combine(outcome.OutputDirectory, "models", "BLaIR__reviews_.zip")).Should().BeTrue();
    }
}
