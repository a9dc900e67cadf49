using BlairClip.ML.Evaluation;
using FluentAssertions;

namespace BlairClip.ML.Tests.Evaluation;

public class PairedComparisonTests
{
    private static EvaluationResult Result(params double[] mrr) =>
        new(["MRR"], mrr.Select((v, u) => new UserEvaluation(u, 10 + u, 1 / Math.Max(v, 1e-9), 0, 0, 5, [v])).ToArray());

    [Fact]
    public void Compare_HandCase_MeanDifferenceAndTTestMatchScipy()
    {
        var a = Result(1, 0, 1, 1, 0.5);
        var b = Result(0, 0, 1, 0, 0.25);

        var c = PairedComparison.Compare(a, b, "MRR");

        // d = [1, 0, 0, 1, 0.25]: mean 0.45, squared deviations sum 1.05, s_d = sqrt(1.05 / 4).
        c.Users.Should().Be(5);
        c.MeanA.Should().BeApproximately(3.5 / 5, 1e-15);
        c.MeanB.Should().BeApproximately(1.25 / 5, 1e-15);
        c.MeanDifference.Should().BeApproximately(0.45, 1e-15);
        c.TStatistic.Should().BeApproximately(0.45 / (Math.Sqrt(1.05 / 4) / Math.Sqrt(5)), 1e-12);
        // scipy 1.10.1: stats.ttest_rel([1,0,1,1,0.5], [0,0,1,0,0.25]) → (1.9639610121239313, 0.12100391941035307)
        c.PValue.Should().BeApproximately(0.12100391941035307, 1e-12);
        c.CiLower.Should().BeLessThanOrEqualTo(c.MeanDifference);
        c.CiUpper.Should().BeGreaterThanOrEqualTo(c.MeanDifference);
        // The bootstrap means of five values from {0, 0.25, 1} lie within [0, 1].
        c.CiLower.Should().BeGreaterThanOrEqualTo(0);
        c.CiUpper.Should().BeLessThanOrEqualTo(1);
    }

    [Fact]
    public void Compare_SecondHandCase_PValueMatchesScipy()
    {
        var a = Result(0.2, 0.9, 0.4, 0.7, 0.3, 0.8, 0.6, 0.5);
        var b = Result(0.1, 0.95, 0.3, 0.5, 0.35, 0.6, 0.55, 0.2);
        // scipy 1.10.1: stats.ttest_rel(a, b) → (2.428571428571429, 0.045515872890755586)
        var c = PairedComparison.Compare(a, b, "MRR");
        c.TStatistic.Should().BeApproximately(2.428571428571429, 1e-12);
        c.PValue.Should().BeApproximately(0.045515872890755586, 1e-12);
    }

    [Theory]
    // scipy 1.10.1: 2 * stats.t.sf(t, df)
    [InlineData(2.5, 3, 0.08770664700806555)]
    [InlineData(0.3, 100, 0.7647998803003035)]
    [InlineData(4.0, 1, 0.15595826075473865)]
    [InlineData(1.0, 10000, 0.31733470433042943)]
    [InlineData(8.0, 50, 1.6632966028321343e-10)]
    public void TwoSidedP_MatchesScipy(double t, double df, double expected) =>
        StudentT.TwoSidedP(t, df).Should().BeApproximately(expected, expected * 1e-10);

    [Fact]
    public void Compare_SameSeed_SameInterval_OtherSeedDiffers()
    {
        var rng = new Random(3);
        var a = Result(Enumerable.Range(0, 50).Select(_ => rng.NextDouble()).ToArray());
        var b = Result(Enumerable.Range(0, 50).Select(_ => rng.NextDouble()).ToArray());

        var first = PairedComparison.Compare(a, b, "MRR", resamples: 2000, seed: 9);
        var again = PairedComparison.Compare(a, b, "MRR", resamples: 2000, seed: 9);
        var other = PairedComparison.Compare(a, b, "MRR", resamples: 2000, seed: 10);

        (again.CiLower, again.CiUpper).Should().Be((first.CiLower, first.CiUpper));
        (other.CiLower, other.CiUpper).Should().NotBe((first.CiLower, first.CiUpper));
    }

    [Fact]
    public void Compare_ManyUsers_BootstrapIntervalCloseToNormalInterval()
    {
        // For n = 2000 the mean's sampling distribution is near normal: the percentile interval should be
        // close to d̄ ± 1.96 · s_d / √n.
        var rng = new Random(11);
        var va = Enumerable.Range(0, 2000).Select(_ => rng.NextDouble()).ToArray();
        var vb = va.Select(v => v - 0.05 + 0.3 * (rng.NextDouble() - 0.5)).ToArray();
        var c = PairedComparison.Compare(Result(va), Result(vb), "MRR", resamples: 4000, seed: 1);

        double halfWidth = 1.96 * (c.MeanDifference / c.TStatistic);
        c.CiLower.Should().BeApproximately(c.MeanDifference - halfWidth, 0.1 * halfWidth);
        c.CiUpper.Should().BeApproximately(c.MeanDifference + halfWidth, 0.1 * halfWidth);
        c.PValue.Should().BeLessThan(1e-10);
    }

    [Fact]
    public void Compare_ConstantDifference_DegenerateTestAndInterval()
    {
        // Dyadic values so that every difference is exactly 0.25 and s_d is exactly 0.
        var c = PairedComparison.Compare(Result(0.5, 0.75, 1.0), Result(0.25, 0.5, 0.75), "MRR");
        c.MeanDifference.Should().BeApproximately(0.25, 1e-15);
        c.PValue.Should().Be(0);
        c.CiLower.Should().BeApproximately(0.25, 1e-15);
        c.CiUpper.Should().BeApproximately(0.25, 1e-15);

        var same = PairedComparison.Compare(Result(0.5, 0.7), Result(0.5, 0.7), "MRR");
        same.PValue.Should().Be(1);
        same.TStatistic.Should().Be(0);
    }

    [Fact]
    public void Percentile_InterpolatesLikeNumpy() =>
        // numpy.percentile([1, 2, 3, 4], [2.5, 97.5]) → [1.075, 3.925]
        (PairedComparison.Percentile([1, 2, 3, 4], 0.025), PairedComparison.Percentile([1, 2, 3, 4], 0.975))
            .Should().Be((1.075, 3.925));

    [Fact]
    public void Compare_DifferentCases_ErrorNamesFirstMismatch()
    {
        var a = Result(1, 0.5, 0.2);
        var b = new EvaluationResult(["MRR"], [
            new UserEvaluation(0, 10, 1, 0, 0, 5, [1.0]), new UserEvaluation(1, 99, 1, 0, 0, 5, [1.0]),
            new UserEvaluation(2, 12, 1, 0, 0, 5, [1.0])]);
        var act = () => PairedComparison.Compare(a, b, "MRR");
        act.Should().Throw<ArgumentException>().WithMessage("*row 1*(user 1, item 11)*(user 1, item 99)*");
    }

    [Fact]
    public void Compare_UnknownMetric_ErrorListsEvaluatedOnes()
    {
        var act = () => PairedComparison.Compare(Result(1, 0), Result(0, 1), "AUC");
        act.Should().Throw<KeyNotFoundException>().WithMessage("*'AUC'*evaluated: MRR*");
    }
}
