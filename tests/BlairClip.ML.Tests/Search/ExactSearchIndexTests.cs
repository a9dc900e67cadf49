using System.Numerics.Tensors;
using BlairClip.ML.Search;
using FluentAssertions;

namespace BlairClip.ML.Tests.Search;

public sealed class ExactSearchIndexTests
{
    [Fact]
    public void Search_EqualsANaiveSort_TiesByLowerRow_NaNLast()
    {
        var rng = new Random(3);
        for (int trial = 0; trial < 100; trial++)
        {
            int rows = rng.Next(0, 120), dim = rng.Next(1, 9), k = rng.Next(0, 130);
            // Few distinct values, so many scores tie exactly; now and then a NaN row.
            var m = Enumerable.Range(0, rows * dim).Select(_ => rng.Next(-2, 3) / 2f).ToArray();
            if (rows > 0 && trial % 3 == 0) m[rng.Next(rows) * dim] = float.NaN;
            var q = Enumerable.Range(0, dim).Select(_ => rng.Next(-2, 3) / 2f).ToArray();
            var expected = Enumerable.Range(0, rows).Select(r => new SearchHit(r, TensorPrimitives.Dot(q, m.AsSpan(r * dim, dim))))
                .OrderByDescending(h => h.Score).ThenBy(h => h.Row).Take(k).ToArray();
            new ExactSearchIndex(m, rows, dim).Search(q, k).Should().Equal(expected, $"trial {trial}: {rows} rows, dim {dim}, k {k}");
        }
    }

    [Fact]
    public void Search_KBeyondCount_ReturnsAllRows_ZeroKAndEmptyIndexReturnNone()
    {
        var index = new ExactSearchIndex(new float[] { 1, 0, 0, 1, 0.6f, 0.8f }, 3, 2);
        index.Search([1, 0], 10).Select(h => h.Row).Should().Equal(0, 2, 1);
        index.Search([1, 0], 0).Should().BeEmpty();
        new ExactSearchIndex(Array.Empty<float>(), 0, 4).Search([1, 0, 0, 0], 5).Should().BeEmpty();
    }

    [Fact]
    public void BadQueriesAndShapes_AreRefusedWithClearMessages()
    {
        var index = new ExactSearchIndex(new float[6], 3, 2);
        index.Invoking(i => i.Search([1, 0, 0], 1)).Should().Throw<ArgumentException>().WithMessage("*query has 3 values*vectors have 2*");
        index.Invoking(i => i.Search([float.NaN, 0], 1)).Should().Throw<ArgumentException>().WithMessage("*NaN or an infinity*");
        index.Invoking(i => i.Search([1, 0], -1)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new ExactSearchIndex(new float[7], 3, 2)).Should().Throw<ArgumentException>().WithMessage("*7 values*3 × 2*");
        FluentActions.Invoking(() => new ExactSearchIndex(new float[0], 0, 0)).Should().Throw<ArgumentException>().WithMessage("*dimension must be positive*");
    }
}
