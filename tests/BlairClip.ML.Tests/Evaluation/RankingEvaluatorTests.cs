using BlairClip.ML.Core;
using BlairClip.ML.Evaluation;
using BlairClip.ML.Split;
using FluentAssertions;

namespace BlairClip.ML.Tests.Evaluation;

public class RankingEvaluatorTests
{
    private static readonly string[] FourMetrics = ["Recall@3", "NDCG@3", "MRR", "AUC", "HitRate@3"];

    private static RankingEvaluator Evaluator(TieRule ties = TieRule.Optimistic, bool excludeHistory = true,
        IReadOnlyList<string>? metrics = null, int batchSize = 256, IProgressReporter? progress = null) =>
        new BlairClipContext(progress: progress).Evaluation.Ranking(new RankingEvaluationOptions
        {
            Ties = ties, ExcludeHistory = excludeHistory, Metrics = metrics ?? FourMetrics, BatchSize = batchSize,
        });

    private static UserHistories Histories(params int[][] perUser)
    {
        var offsets = new int[perUser.Length + 1];
        for (int u = 0; u < perUser.Length; u++) offsets[u + 1] = offsets[u] + perUser[u].Length;
        return new UserHistories(offsets, perUser.SelectMany(h => h).ToArray());
    }

    private static HeldOutItem Case(int user, int item) => new(user, item, 0);

    // Scores [0.9, 0.5, 0.5, 0.5, 0.1], held-out item 1 at 0.5: h = 1 above, e = 2 others tied, 5 candidates.
    public static TheoryData<TieRule, double, double, double, double> TieRows => new()
    {
        // rank 2
        { TieRule.Optimistic, 1.0, 1 / Math.Log2(3), 1.0 / 2, 1 - (2.0 - 1) / (5 - 1) },
        // rank 4
        { TieRule.Pessimistic, 0.0, 0.0, 1.0 / 4, 1 - (4.0 - 1) / (5 - 1) },
        // ranks 2, 3, 4 equally likely; E[rank] = 3
        { TieRule.Average, 2.0 / 3, (1 / Math.Log2(3) + 1 / Math.Log2(4)) / 3, (1.0 / 2 + 1.0 / 3 + 1.0 / 4) / 3, 1 - (3.0 - 1) / (5 - 1) },
    };

    [Theory]
    [MemberData(nameof(TieRows))]
    public void Evaluate_TiedScores_EachRuleGivesHandComputedMetrics(TieRule ties, double recall3, double ndcg3, double mrr, double auc)
    {
        var model = new FakeRecommender(5, new Dictionary<int, float[]> { [0] = [0.9f, 0.5f, 0.5f, 0.5f, 0.1f] });
        var result = Evaluator(ties).Evaluate(model, [Case(0, 1)], Histories([]));

        result.Users.Should().Be(1);
        var user = result.PerUser[0];
        (user.Higher, user.Equal, user.Candidates).Should().Be((1, 2, 5));
        user.Rank.Should().Be(ties switch { TieRule.Optimistic => 2, TieRule.Pessimistic => 4, _ => 1 + 1 + 2 / 2.0 });
        result.Metrics["Recall@3"].Should().BeApproximately(recall3, 1e-15);
        result.Metrics["HitRate@3"].Should().BeApproximately(recall3, 1e-15);
        result.Metrics["NDCG@3"].Should().BeApproximately(ndcg3, 1e-15);
        result.Metrics["MRR"].Should().BeApproximately(mrr, 1e-15);
        result.Metrics["AUC"].Should().BeApproximately(auc, 1e-15);
    }

    [Fact]
    public void Evaluate_ExcludeHistory_RemovesSeenItemsButNeverTheHeldOutItem()
    {
        // Held-out item 2 (0.5) is also in the history {0, 2, 3}: item 0 (higher) and item 3 (tied) are masked,
        // item 2 stays. Left: items 1 (0.8) and 5 (0.7) above, item 4 below → h = 2, e = 0, 4 candidates.
        var model = new FakeRecommender(6, new Dictionary<int, float[]> { [0] = [0.9f, 0.8f, 0.5f, 0.5f, 0.1f, 0.7f] });
        var result = Evaluator(TieRule.Pessimistic).Evaluate(model, [Case(0, 2)], Histories([0, 2, 3]));

        var user = result.PerUser[0];
        (user.Higher, user.Equal, user.Candidates, user.Rank).Should().Be((2, 0, 4, 3.0));
        result.Metrics["MRR"].Should().BeApproximately(1.0 / 3, 1e-15);
        result.Metrics["AUC"].Should().BeApproximately(1 - (3.0 - 1) / (4 - 1), 1e-15);
        model.Batches.Should().ContainSingle().Which[0].History.ToArray().Should().Equal(0, 2, 3);
    }

    [Fact]
    public void Evaluate_KeepHistory_RanksAgainstWholeCatalog()
    {
        var model = new FakeRecommender(6, new Dictionary<int, float[]> { [0] = [0.9f, 0.8f, 0.5f, 0.5f, 0.1f, 0.7f] });
        var result = Evaluator(TieRule.Pessimistic, excludeHistory: false).Evaluate(model, [Case(0, 2)], Histories([0, 2, 3]));

        var user = result.PerUser[0];
        (user.Higher, user.Equal, user.Candidates, user.Rank).Should().Be((3, 1, 6, 5.0));
        result.Metrics["AUC"].Should().BeApproximately(1 - (5.0 - 1) / (6 - 1), 1e-15);
    }

    [Fact]
    public void Evaluate_CutoffBeyondCatalog_LastRankStillCounts()
    {
        var model = new FakeRecommender(4, new Dictionary<int, float[]> { [0] = [0.4f, 0.3f, 0.2f, 0.1f] });
        var result = Evaluator(metrics: ["Recall@50", "NDCG@50", "AUC"]).Evaluate(model, [Case(0, 3)], Histories([]));

        result.Metrics["Recall@50"].Should().Be(1.0);
        result.Metrics["NDCG@50"].Should().BeApproximately(1 / Math.Log2(5), 1e-15);
        result.Metrics["AUC"].Should().Be(0.0);
    }

    [Fact]
    public void Evaluate_OnlyHeldOutItemLeft_AucIsOne()
    {
        var model = new FakeRecommender(3, new Dictionary<int, float[]> { [0] = [0.9f, 0.1f, 0.8f] });
        var result = Evaluator(metrics: ["AUC", "MRR"]).Evaluate(model, [Case(0, 1)], Histories([0, 2]));

        result.PerUser[0].Candidates.Should().Be(1);
        result.Metrics["AUC"].Should().Be(1.0);
        result.Metrics["MRR"].Should().Be(1.0);
    }

    [Fact]
    public void Evaluate_NaNScores_TreatedAsNegativeInfinity()
    {
        // Held-out item 0 scores NaN → −∞: items 1 and 4 are above; item 2 (−∞) and item 3 (NaN) tie with it.
        var model = new FakeRecommender(5, new Dictionary<int, float[]>
        {
            [0] = [float.NaN, 0.3f, float.NegativeInfinity, float.NaN, 0.1f],
            [1] = [float.NaN, 0.3f, float.NegativeInfinity, float.NaN, 0.1f],
        });
        var result = Evaluator(TieRule.Pessimistic).Evaluate(model, [Case(0, 0), Case(1, 1)], Histories([], [3]));

        (result.PerUser[0].Higher, result.PerUser[0].Equal).Should().Be((2, 2));
        // A finite held-out item (0.3) is above every NaN; masking the NaN item 3 removes a lower candidate.
        (result.PerUser[1].Higher, result.PerUser[1].Equal, result.PerUser[1].Candidates).Should().Be((0, 0, 4));
    }

    [Fact]
    public void Evaluate_MaskedNaNTiedWithNaNHeldOut_LeavesTies()
    {
        var model = new FakeRecommender(4, new Dictionary<int, float[]> { [0] = [float.NaN, float.NaN, float.NegativeInfinity, 1f] });
        var result = Evaluator().Evaluate(model, [Case(0, 0)], Histories([1]));

        (result.PerUser[0].Higher, result.PerUser[0].Equal, result.PerUser[0].Candidates).Should().Be((1, 1, 3));
    }

    [Fact]
    public void Evaluate_TwoUsers_MeansOverUsersInOptionOrder()
    {
        var model = new FakeRecommender(4, new Dictionary<int, float[]>
        {
            [0] = [0.4f, 0.3f, 0.2f, 0.1f], // held-out 0 → rank 1
            [1] = [0.4f, 0.3f, 0.2f, 0.1f], // held-out 2 → rank 3
        });
        var result = Evaluator(metrics: ["MRR", "Recall@2", "AUC"]).Evaluate(model, [Case(0, 0), Case(1, 2)], Histories([], []));

        result.MetricNames.Should().Equal("MRR", "Recall@2", "AUC");
        result.Metrics.Keys.Should().Equal("MRR", "Recall@2", "AUC");
        result.Metrics["MRR"].Should().BeApproximately((1.0 + 1.0 / 3) / 2, 1e-15);
        result.Metrics["Recall@2"].Should().Be(0.5);
        result.Metrics["AUC"].Should().BeApproximately((1.0 + (1 - 2.0 / 3)) / 2, 1e-15);
        result.PerUserValues("MRR").Should().Equal(1.0, 1.0 / 3);
        result.PerUser.Select(p => (p.User, p.Item)).Should().Equal((0, 0), (1, 2));
    }

    [Fact]
    public void Evaluate_MaxUsers_ScoresOnlyTheFirstCases()
    {
        var model = new FakeRecommender(3, new Dictionary<int, float[]>()) { Default = 1f };
        var cases = Enumerable.Range(0, 5).Select(u => Case(u, u % 3)).ToArray();
        var histories = Histories([], [], [], [], []);

        var result = Evaluator(batchSize: 2).Evaluate(model, cases, histories, maxUsers: 3);

        result.Users.Should().Be(3);
        model.Batches.SelectMany(b => b).Select(q => q.User).Should().Equal(0, 1, 2);
        Evaluator().Evaluate(model, cases, histories, maxUsers: 50).Users.Should().Be(5);
        var act = () => Evaluator().Evaluate(model, cases, histories, maxUsers: 0);
        act.Should().Throw<InvalidOptionException>().WithMessage("*max_users*0*");
    }

    [Fact]
    public void Evaluate_AnyBatchSize_SameResultsAsNaiveRanking()
    {
        const int users = 7, items = 20;
        var rng = new Random(5);
        // Scores on a coarse grid so that ties are common; one NaN per few rows.
        var rows = new Dictionary<int, float[]>();
        var history = new int[users][];
        var cases = new HeldOutItem[users];
        for (int u = 0; u < users; u++)
        {
            rows[u] = Enumerable.Range(0, items).Select(_ => rng.Next(6) / 5f).ToArray();
            if (u % 3 == 0) rows[u][rng.Next(items)] = float.NaN;
            history[u] = Enumerable.Range(0, items).Where(_ => rng.NextDouble() < 0.3).ToArray();
            cases[u] = Case(u, u % 2 == 0 && history[u].Length > 0 ? history[u][0] : rng.Next(items));
        }
        var histories = Histories(history);
        string[] metrics = ["Recall@5", "NDCG@5", "NDCG@25", "MRR", "AUC"];

        foreach (var ties in new[] { TieRule.Optimistic, TieRule.Average, TieRule.Pessimistic })
        {
            var expected = Enumerable.Range(0, users).Select(u => NaiveUser(rows[u], cases[u].Item, history[u], ties)).ToArray();
            foreach (int batchSize in new[] { 1, 3, 256 })
            {
                var model = new FakeRecommender(items, rows);
                var result = Evaluator(ties, metrics: metrics, batchSize: batchSize).Evaluate(model, cases, histories);

                model.Batches.Select(b => b.Length).Should().Equal(batchSize switch { 1 => [1, 1, 1, 1, 1, 1, 1], 3 => [3, 3, 1], _ => [7] });
                for (int u = 0; u < users; u++)
                {
                    var got = result.PerUser[u];
                    (got.Higher, got.Equal, got.Candidates).Should().Be((expected[u].H, expected[u].E, expected[u].C), $"user {u}, {ties}, batch {batchSize}");
                    got.Values.Should().HaveCount(5);
                    got.Values[0].Should().BeApproximately(expected[u].Mean(r => r <= 5 ? 1 : 0), 1e-12);
                    got.Values[1].Should().BeApproximately(expected[u].Mean(r => r <= 5 ? 1 / Math.Log2(r + 1) : 0), 1e-12);
                    got.Values[2].Should().BeApproximately(expected[u].Mean(r => r <= 25 ? 1 / Math.Log2(r + 1) : 0), 1e-12);
                    got.Values[3].Should().BeApproximately(expected[u].Mean(r => 1.0 / r), 1e-12);
                    got.Values[4].Should().BeApproximately(
                        expected[u].C == 1 ? 1 : expected[u].Mean(r => 1 - (r - 1.0) / (expected[u].C - 1)), 1e-12);
                }
            }
        }
    }

    /// <summary>Ranks one row the slow, obvious way: list the candidates, compare each with the held-out score.</summary>
    private static NaiveRanks NaiveUser(float[] row, int heldOut, int[] history, TieRule ties)
    {
        static float Clean(float s) => float.IsNaN(s) ? float.NegativeInfinity : s;
        var seen = history.ToHashSet();
        var candidates = Enumerable.Range(0, row.Length).Where(j => j == heldOut || !seen.Contains(j)).ToList();
        float t = Clean(row[heldOut]);
        int h = candidates.Count(j => j != heldOut && Clean(row[j]) > t);
        int e = candidates.Count(j => j != heldOut && Clean(row[j]) == t);
        var ranks = ties switch
        {
            TieRule.Optimistic => [h + 1],
            TieRule.Pessimistic => [h + e + 1],
            _ => Enumerable.Range(h + 1, e + 1).ToArray(),
        };
        return new NaiveRanks(h, e, candidates.Count, ranks);
    }

    private sealed record NaiveRanks(int H, int E, int C, int[] Ranks)
    {
        public double Mean(Func<int, double> metric) => Ranks.Average(metric);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 4)]
    [InlineData(2, 3)]
    [InlineData(1, 5)]
    [InlineData(6, 1)]
    public void Evaluate_AverageTies_EqualsMeanOverAllOrderingsOfTiedItems(int higher, int tiedOthers)
    {
        // Catalog: `higher` items at 0.9, the held-out item and `tiedOthers` items at 0.5, two items at 0.1.
        int items = higher + 1 + tiedOthers + 2, heldOut = higher;
        var row = new float[items];
        for (int j = 0; j < items; j++) row[j] = j < higher ? 0.9f : j <= higher + tiedOthers ? 0.5f : 0.1f;
        var model = new FakeRecommender(items, new Dictionary<int, float[]> { [0] = row });
        string[] metrics = ["Recall@3", "Recall@5", "NDCG@3", "NDCG@5", "NDCG@20", "MRR", "AUC"];
        var result = Evaluator(TieRule.Average, metrics: metrics).Evaluate(model, [Case(0, heldOut)], Histories([]));

        // Brute force: every ordering of the tied group (held-out item included) is equally likely.
        var tied = Enumerable.Range(higher, tiedOthers + 1).ToArray();
        var sums = new double[metrics.Length];
        int orderings = 0;
        foreach (var order in Permutations(tied))
        {
            int rank = higher + 1 + Array.IndexOf(order, heldOut);
            double[] values = [rank <= 3 ? 1 : 0, rank <= 5 ? 1 : 0, rank <= 3 ? 1 / Math.Log2(rank + 1) : 0,
                rank <= 5 ? 1 / Math.Log2(rank + 1) : 0, rank <= 20 ? 1 / Math.Log2(rank + 1) : 0, 1.0 / rank,
                1 - (rank - 1.0) / (items - 1)];
            for (int m = 0; m < sums.Length; m++) sums[m] += values[m];
            orderings++;
        }
        orderings.Should().Be(Enumerable.Range(1, tiedOthers + 1).Aggregate(1, (a, b) => a * b));
        for (int m = 0; m < metrics.Length; m++)
            result.Metrics[metrics[m]].Should().BeApproximately(sums[m] / orderings, 1e-12, metrics[m]);
        result.PerUser[0].Rank.Should().Be(higher + 1 + tiedOthers / 2.0);
    }

    private static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1) { yield return items; yield break; }
        for (int k = 0; k < items.Length; k++)
            foreach (var rest in Permutations(items.Where((_, i) => i != k).ToArray()))
                yield return [items[k], .. rest];
    }

    [Fact]
    public void Evaluate_ReportsOneProgressStepPerBatch()
    {
        var progress = new RecordingProgress();
        var model = new FakeRecommender(3, new Dictionary<int, float[]>()) { Default = 1f };
        var cases = Enumerable.Range(0, 7).Select(u => Case(u, 0)).ToArray();

        Evaluator(batchSize: 3, progress: progress).Evaluate(model, cases, Histories(new int[7][].Select(_ => Array.Empty<int>()).ToArray()));

        progress.Stage.Should().Be("evaluate");
        progress.Total.Should().Be(3);
        progress.Advanced.Should().Be(3);
        progress.Disposed.Should().BeTrue();
    }

    private sealed class RecordingProgress : IProgressReporter, IProgressTask
    {
        public string? Stage; public long Total, Advanced; public bool Disposed;
        public IProgressTask Start(string stage, long total) { Stage = stage; Total = total; return this; }
        public void Advance(long steps = 1) => Advanced += steps;
        public void Dispose() => Disposed = true;
    }

    [Fact]
    public void Evaluate_HeldOutItemOutsideCatalog_ErrorNamesCaseAndItem()
    {
        var model = new FakeRecommender(3, new Dictionary<int, float[]>());
        var act = () => Evaluator().Evaluate(model, [Case(0, 1), Case(1, 7)], Histories([], []));
        act.Should().Throw<ArgumentException>().WithMessage("*case 1*user 1*item 7*[0, 3)*");
    }

    [Fact]
    public void Evaluate_HistoryItemOutsideCatalog_ErrorNamesUserAndItem()
    {
        var model = new FakeRecommender(3, new Dictionary<int, float[]>());
        var act = () => Evaluator().Evaluate(model, [Case(0, 1)], Histories([5]));
        act.Should().Throw<ArgumentException>().WithMessage("*user 0*history item 5*");
    }

    [Fact]
    public void Evaluate_NoCases_Throws()
    {
        var act = () => Evaluator().Evaluate(new FakeRecommender(3, new Dictionary<int, float[]>()), [], Histories());
        act.Should().Throw<ArgumentException>().WithMessage("*no held-out items*");
    }

    [Fact]
    public void Ranking_DefaultOptions_AreTheStudyDefaults()
    {
        var evaluator = new BlairClipContext().Evaluation.Ranking();
        evaluator.Options.ExcludeHistory.Should().BeTrue();
        evaluator.Options.Ties.Should().Be(TieRule.Optimistic);
        evaluator.Options.BatchSize.Should().Be(256);
        evaluator.Metrics.Select(m => m.Name).Should().Equal("Recall@10", "Recall@50", "NDCG@10", "NDCG@50", "MRR", "AUC");
    }

    [Fact]
    public void Ranking_BadOptions_ErrorsNameTheKey()
    {
        var context = new BlairClipContext();
        FluentActions.Invoking(() => context.Evaluation.Ranking(new() { BatchSize = 0 }))
            .Should().Throw<InvalidOptionException>().WithMessage("`batch_size` must be positive, but was 0");
        FluentActions.Invoking(() => context.Evaluation.Ranking(new() { Metrics = [] }))
            .Should().Throw<InvalidOptionException>().WithMessage("`metrics` must list at least one metric*");
        FluentActions.Invoking(() => context.Evaluation.Ranking(new() { Metrics = ["MRR", "Precision@5"] }))
            .Should().Throw<InvalidOptionException>().WithMessage("`metrics`*Recall@K*but was 'Precision@5'");
        FluentActions.Invoking(() => context.Evaluation.Ranking(new() { Metrics = ["MRR", "mrr"] }))
            .Should().Throw<InvalidOptionException>().WithMessage("`metrics` must not list a metric twice, but was 'mrr'");
        FluentActions.Invoking(() => context.Evaluation.Ranking(new() { Ties = (TieRule)7 }))
            .Should().Throw<InvalidOptionException>().WithMessage("`ties`*");
    }
}
