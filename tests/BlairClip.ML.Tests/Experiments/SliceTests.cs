using System.Text.Json.Nodes;
using BlairClip.ML.Core;
using BlairClip.ML.Experiments;
using BlairClip.ML.Reporting;
using BlairClip.ML.Split;
using BlairClip.ML.Tests.Data;
using FluentAssertions;

namespace BlairClip.ML.Tests.Experiments;

/// <summary>Result slices: assignment on hand-made cases, and the sub-tables a study writes.</summary>
public sealed class SliceTests : IDisposable
{
    private readonly TestFiles _files = new();
    public void Dispose() => _files.Dispose();

    [Fact]
    public void Assign_HandMadeCases()
    {
        // Training: item 0 ×6, item 1 ×3, item 2 ×1; item 3 never. Total 10: head holds the first 20 % (item 0 alone
        // starts at 0 %), torso up to 80 % (item 1 starts at 60 %), tail the rest (item 2 starts at 90 %; item 3 unseen).
        int[] items = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2];
        var train = new Interactions(items.Select((_, k) => k % 4).ToArray(), items, items.Select((_, k) => (long)k).ToArray(), items.Select(_ => 1f).ToArray());
        var histories = new UserHistories([0, 1, 4, 10, 10], [2, 0, 1, 2, 0, 1, 2, 3, 4, 5]);
        HeldOutItem[] cases = [new(0, 3, 99), new(1, 0, 99), new(2, 1, 99), new(3, 2, 99)];
        var table = SliceTable.Assign(new SliceOptions { Activity = [2, 5] }, cases, histories, train, items: 6);
        table.Families.Should().Equal("item", "activity", "popularity");
        table.Labels.Select(l => string.Join("/", l)).Should().Equal("cold/≤2/tail", "warm/3–5/head", "warm/>5/torso", "warm/≤2/tail");
        table.Orders[1].Should().Equal("≤2", "3–5", ">5");
        SliceTable.PopularityBuckets([6, 3, 1, 0], [0.2, 0.8]).Should().Equal("head", "torso", "tail", "tail");
    }

    [Fact]
    public void Study_WritesSubTables_AndPerUserLabels()
    {
        var spec = _files.Write("study.yaml", "name: slices",
            $"data: {{ format: amazon2023, reviews: {RepoPaths.AllBeauty}/All_Beauty.jsonl, meta: {RepoPaths.AllBeauty}/meta_All_Beauty.jsonl }}",
            "split: { method: leave_one_out }", "evaluation: { metrics: [Recall@10, AUC], slices: {} }",
            "models:", "  - { name: Popularity, pipeline: popularity }", "output: { save_models: false, per_user: true }");
        var outcome = StudyRunner.Run(spec, new StudyRunOptions { OutputDirectory = Path.Combine(_files.Dir, "out") });
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outcome.OutputDirectory, "results.json")))!;
        var item = json["slices"]!["item"]!.AsObject();
        item.Select(kv => (int)kv.Value!["users"]!).Sum().Should().Be(253, "every test user is in one item slice");
        var perUser = File.ReadAllLines(Path.Combine(outcome.OutputDirectory, "per_user", "Popularity.csv"));
        perUser[0].Should().EndWith(",slice_item,slice_activity,slice_popularity");
        perUser.Skip(1).Count(l => l.Contains(",cold,")).Should().Be(item.TryGetPropertyValue("cold", out var cold) ? (int)cold!["users"]! : 0);
        // A slice's mean is the mean of its users' rows.
        var auc = perUser.Skip(1).Select(l => l.Split(',')).Where(f => f[^3] == "warm").Average(f => double.Parse(f[5], System.Globalization.CultureInfo.InvariantCulture));
        ((double)item["warm"]!["models"]!["Popularity"]!["AUC"]!).Should().BeApproximately(auc, 1e-12);
        File.ReadAllText(Path.Combine(outcome.OutputDirectory, "results.md")).Should().Contain("## Slice: activity");
    }
}
