using BlairClip.ML.Evaluation;
using BlairClip.ML.Evaluation.Metrics;
using BlairClip.ML.Reporting;
using FluentAssertions;

namespace BlairClip.ML.Tests.Evaluation;

public class RankCurvesTests
{
    private static EvaluationResult Result(params (int Higher, int Equal, int Candidates)[] users) =>
        new(["Recall@10"], users.Select((u, i) => new UserEvaluation(i, 0, 0, u.Higher, u.Equal, u.Candidates, [0.0])).ToList());

    [Theory]
    [InlineData(TieRule.Optimistic)]
    [InlineData(TieRule.Average)]
    [InlineData(TieRule.Pessimistic)]
    public void Every_K_equals_the_table_metric_under_each_tie_rule(TieRule ties)
    {
        var rng = new Random(3);
        var users = Enumerable.Range(0, 300).Select(_ => { int h = rng.Next(0, 130), e = rng.Next(0, 40); return (h, e, h + e + 1 + rng.Next(0, 50)); }).ToArray();
        var curves = RankCurves.Compute(Result(users), ties);
        foreach (int k in new[] { 1, 2, 7, 10, 50, 99, 100 })
        {
            double recall = 0, ndcg = 0;
            foreach (var (h, e, n) in users)
            {
                var (first, last) = ties.RankRange(h, e);
                recall += new RecallAtK(k).Mean(first, last, n);
                ndcg += new NdcgAtK(k).Mean(first, last, n);
            }
            curves.Recall[k - 1].Should().BeApproximately(recall / users.Length, 1e-12, $"Recall@{k}");
            curves.Ndcg[k - 1].Should().BeApproximately(ndcg / users.Length, 1e-12, $"NDCG@{k}");
        }
    }

    [Fact]
    public void HandCase_average_ties_spread_a_hit_over_the_tied_ranks()
    {
        // One user with 2 above and 3 tied: ranks 3…6 equally likely. Recall@4 = 2/4; NDCG@3 = (1/log2 4)/4.
        var c = RankCurves.Compute(Result((2, 3, 10)), TieRule.Average, maxK: 6);
        c.Recall.Should().Equal(0, 0, 0.25, 0.5, 0.75, 1);
        c.Ndcg[2].Should().BeApproximately(1 / Math.Log2(4) / 4, 1e-15);
    }
}
