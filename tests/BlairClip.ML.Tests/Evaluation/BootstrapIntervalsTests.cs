using BlairClip.ML.Evaluation;
using FluentAssertions;

namespace BlairClip.ML.Tests.Evaluation;

public class BootstrapIntervalsTests
{
    /// <summary>The loop the shared passes replaced: one column, its own full stream of draws.</summary>
    private static (double Lower, double Upper) Oracle(double[] values, int resamples, int seed)
    {
        var rng = new Random(seed);
        var means = new double[resamples];
        int n = values.Length;
        for (int s = 0; s < resamples; s++)
        {
            double sum = 0;
            for (int k = 0; k < n; k++) sum += values[rng.Next(n)];
            means[s] = sum / n;
        }
        return BootstrapIntervals.Interval(means);
    }

    [Theory]
    [InlineData(1, 500, 200, 1)]
    [InlineData(3, 2, 50, 2)]
    [InlineData(17, 300, 31, 2)]
    [InlineData(40, 120, 25, 3)]
    [InlineData(5, 0, 10, 2)]
    [InlineData(9, 1, 1, 4)]
    public void OfMeans_EqualsEachColumnBootstrappedAlone_BitForBit(int columns, int users, int resamples, int threads)
    {
        // Metric-like columns: 0/1 hits, reciprocal ranks, differences of them, a NaN now and then.
        var random = new Random(columns * 1000 + users);
        var data = Enumerable.Range(0, columns).Select(c => Enumerable.Range(0, users).Select(_ => (c % 4) switch
        {
            0 => random.Next(2),
            1 => 1.0 / random.Next(1, 100),
            2 => random.NextDouble() - random.NextDouble(),
            _ => random.Next(50) == 0 ? double.NaN : random.NextDouble(),
        }).ToArray()).ToList();
        foreach (int seed in new[] { 42, 7 })
        {
            var shared = BootstrapIntervals.OfMeans(data, resamples, seed, threads);
            for (int c = 0; c < columns; c++)
            {
                var (lower, upper) = Oracle(data[c], resamples, seed);
                BitConverter.DoubleToInt64Bits(shared[c].Lower).Should().Be(BitConverter.DoubleToInt64Bits(lower), $"column {c}, seed {seed}");
                BitConverter.DoubleToInt64Bits(shared[c].Upper).Should().Be(BitConverter.DoubleToInt64Bits(upper), $"column {c}, seed {seed}");
            }
        }
    }

    [Fact]
    public void OfMeans_ColumnsOfDifferentLengths_AreRefused()
    {
        FluentActions.Invoking(() => BootstrapIntervals.OfMeans([new double[3], new double[4]], 10, 1))
            .Should().Throw<ArgumentException>().WithMessage("*one length*3*4*");
    }
}
