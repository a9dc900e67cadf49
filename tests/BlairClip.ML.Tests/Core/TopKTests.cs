using BlairClip.ML.Core;
using FluentAssertions;

namespace BlairClip.ML.Tests.Core;

public sealed class TopKTests
{
    [Fact]
    public void Select_EqualsAFullSort_WithTiesNaNAndExclusions()
    {
        var rng = new Random(8);
        for (int trial = 0; trial < 200; trial++)
        {
            int n = rng.Next(0, 300), k = rng.Next(0, 40);
            var scores = Enumerable.Range(0, n).Select(_ => rng.Next(10) switch
            {
                0 => float.NaN, 1 => float.NegativeInfinity, 2 => float.PositiveInfinity, _ => rng.Next(6) / 2f,
            }).ToArray();
            var excluded = Enumerable.Range(0, n).Where(_ => rng.NextDouble() < 0.2).ToHashSet();
            var expected = Enumerable.Range(0, n).Where(i => !excluded.Contains(i))
                .OrderByDescending(i => scores[i]).ThenBy(i => i).Take(k).ToArray();
            TopK.Select(scores, k, excluded).Should().Equal(expected, $"trial {trial}: n {n}, k {k}");
        }
    }
}
