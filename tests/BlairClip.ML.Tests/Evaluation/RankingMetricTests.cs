using BlairClip.ML.Core;
using BlairClip.ML.Evaluation.Metrics;
using FluentAssertions;

namespace BlairClip.ML.Tests.Evaluation;

public class RankingMetricTests
{
    [Theory]
    [InlineData("Recall@10", "Recall@10", typeof(RecallAtK))]
    [InlineData("recall@5", "Recall@5", typeof(RecallAtK))]
    [InlineData("HITRATE@3", "HitRate@3", typeof(HitRateAtK))]
    [InlineData("ndcg@50", "NDCG@50", typeof(NdcgAtK))]
    [InlineData("mrr", "MRR", typeof(ReciprocalRank))]
    [InlineData(" AUC ", "AUC", typeof(Auc))]
    public void Parse_KnownNameAnyCase_CanonicalNameAndType(string text, string name, Type type)
    {
        var metric = RankingMetric.Parse(text);
        metric.Name.Should().Be(name);
        metric.Should().BeOfType(type);
        metric.HigherIsBetter.Should().BeTrue();
    }

    [Theory]
    [InlineData("Precision@10")]
    [InlineData("MAP")]
    [InlineData("MRR@10")]
    public void Parse_UnknownName_ErrorNamesItAndListsKnownOnes(string text)
    {
        var act = () => RankingMetric.Parse(text);
        var error = act.Should().Throw<InvalidOptionException>().Which;
        error.Option.Should().Be("metrics");
        error.Message.Should().Contain($"'{text}'").And.Contain("Recall@K").And.Contain("HitRate@K")
            .And.Contain("NDCG@K").And.Contain("MRR").And.Contain("AUC");
    }

    [Theory]
    [InlineData("Recall@0")]
    [InlineData("NDCG@-3")]
    [InlineData("HitRate@")]
    [InlineData("Recall@ten")]
    public void Parse_BadCutoff_ErrorNamesValueAndExpectation(string text)
    {
        var act = () => RankingMetric.Parse(text);
        act.Should().Throw<InvalidOptionException>().WithMessage($"*'{text}'*").WithMessage("*positive integer*");
    }

    // Single ranks (optimistic / pessimistic rules pass first = last).
    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(3, 1.0)]
    [InlineData(4, 0.0)]
    public void RecallAt3_SingleRank_HitWhenWithinCutoff(long rank, double expected) =>
        new RecallAtK(3).Value(rank, 10).Should().Be(expected);

    [Fact]
    public void NdcgAt3_SingleRank_InverseLogDiscount()
    {
        var ndcg = new NdcgAtK(3);
        ndcg.Value(1, 10).Should().Be(1.0);
        ndcg.Value(2, 10).Should().BeApproximately(1 / Math.Log2(3), 1e-15);
        ndcg.Value(3, 10).Should().BeApproximately(1 / Math.Log2(4), 1e-15);
        ndcg.Value(4, 10).Should().Be(0.0);
    }

    [Fact]
    public void Mrr_SingleRank_Reciprocal() => new ReciprocalRank().Value(4, 10).Should().BeApproximately(1.0 / 4, 1e-15);

    [Fact]
    public void Auc_SingleRank_FractionOfOthersBelow()
    {
        // 10 candidates, rank 4: 3 of the 9 others above, 6 below.
        new Auc().Value(4, 10).Should().BeApproximately(6.0 / 9, 1e-15);
        new Auc().Value(1, 10).Should().Be(1.0);
        new Auc().Value(10, 10).Should().Be(0.0);
    }

    [Fact]
    public void Auc_OnlyCandidate_IsOne() => new Auc().Value(1, 1).Should().Be(1.0);

    // Ranks 2…4 equally likely (h = 1, e = 2), cutoff 3 cuts the range.
    [Fact]
    public void Mean_RangeCutByK_AveragesOverRange()
    {
        new RecallAtK(3).Mean(2, 4, 5).Should().BeApproximately(2.0 / 3, 1e-15);
        new NdcgAtK(3).Mean(2, 4, 5).Should().BeApproximately((1 / Math.Log2(3) + 1 / Math.Log2(4)) / 3, 1e-15);
        new ReciprocalRank().Mean(2, 4, 5).Should().BeApproximately((1.0 / 2 + 1.0 / 3 + 1.0 / 4) / 3, 1e-15);
        new Auc().Mean(2, 4, 5).Should().BeApproximately(1 - (3.0 - 1) / (5 - 1), 1e-15);
    }

    [Fact]
    public void Mean_InvalidRange_Throws()
    {
        var act = () => new ReciprocalRank().Mean(3, 2, 5);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*first=3, last=2, candidates=5*");
        act = () => new Auc().Mean(1, 6, 5);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    // The large-argument path of the harmonic difference against a term-by-term sum.
    [Theory]
    [InlineData(0L, 300L)]
    [InlineData(10L, 1_000_000L)]
    [InlineData(255L, 100_000L)]
    [InlineData(5_000L, 2_000_000L)]
    [InlineData(1_000_000L, 1_000_300L)]
    [InlineData(999_999L, 1_000_000L)]
    public void Mrr_WideRange_MatchesDirectSum(long h, long last)
    {
        double sum = 0;
        for (long r = last; r > h; r--) sum += 1.0 / r;
        double expected = sum / (last - h);
        new ReciprocalRank().Mean(h + 1, last, last).Should().BeApproximately(expected, expected * 1e-12);
    }

    [Fact]
    public void NdcgAndRecall_HugeTieRange_OnlyFirstKRanksCount()
    {
        // Ranks 6 … 1,000,005 equally likely, K = 10: ranks 6..10 hit.
        new RecallAtK(10).Mean(6, 1_000_005, 2_000_000).Should().BeApproximately(5.0 / 1_000_000, 1e-18);
        double dcg = 0;
        for (int r = 6; r <= 10; r++) dcg += 1 / Math.Log2(r + 1);
        new NdcgAtK(10).Mean(6, 1_000_005, 2_000_000).Should().BeApproximately(dcg / 1_000_000, 1e-18);
    }
}
