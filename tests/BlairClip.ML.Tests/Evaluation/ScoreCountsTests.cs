using BlairClip.ML.Evaluation;
using FluentAssertions;

namespace BlairClip.ML.Tests.Evaluation;

public class ScoreCountsTests
{
    /// <summary>The plain loop the vectorised count must agree with.</summary>
    private static (int Higher, int Equal) Scalar(float[] scores, float target) =>
        (scores.Count(s => s > target), scores.Count(s => s == target));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(100)]
    [InlineData(1_000)]
    [InlineData(100_003)]
    public void CountHigherEqual_AnyLength_MatchesScalarLoop(int length)
    {
        var rng = new Random(length);
        float[] pool = [0f, 0.25f, 0.5f, 0.75f, 1f, -1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        var scores = Enumerable.Range(0, length).Select(_ => pool[rng.Next(pool.Length)]).ToArray();
        foreach (float target in new[] { 0.5f, 0f, -1f, 0.3f, float.PositiveInfinity, float.NegativeInfinity })
            ScoreCounts.CountHigherEqual(scores, target).Should().Be(Scalar(scores, target), $"target {target}, length {length}");
    }

    [Fact]
    public void CountHigherEqual_TiesAtEveryPosition_CountsThemAll()
    {
        // A tie in each lane position and in the scalar tail.
        var scores = Enumerable.Range(0, 37).Select(i => i % 2 == 0 ? 0.5f : (i % 3 == 0 ? 0.9f : 0.1f)).ToArray();
        int expectedEqual = (37 + 1) / 2;
        int expectedHigher = Enumerable.Range(0, 37).Count(i => i % 2 == 1 && i % 3 == 0);
        ScoreCounts.CountHigherEqual(scores, 0.5f).Should().Be((expectedHigher, expectedEqual));
    }
}
