using System.Numerics.Tensors;
using BlairClip.ML.Core;
using BlairClip.ML.Search;
using FluentAssertions;

namespace BlairClip.ML.Tests.Search;

public sealed class VectorSearchTests
{
    [Fact]
    public void Auto_BelowTheThreshold_IsExact_WithExactlyExactsResults_AndHnswFromIt()
    {
        var data = new SyntheticEmbeddings(12, clusters: 8, seed: 4);
        var m = data.Generate(400);
        var queries = data.Generate(30, first: 400);
        var auto = VectorSearch.Create(m, 400, 12, new SearchIndexOptions { ExactThreshold = 401 });
        auto.Should().BeOfType<ExactSearchIndex>();
        var exact = new ExactSearchIndex(m, 400, 12);
        for (int q = 0; q < 30; q++) auto.Search(queries.AsSpan(q * 12, 12), 25).Should().Equal(exact.Search(queries.AsSpan(q * 12, 12), 25));
        VectorSearch.Create(m, 400, 12, new SearchIndexOptions { ExactThreshold = 400 }).Should().BeOfType<HnswIndex>();
        VectorSearch.Create(m, 400, 12, new SearchIndexOptions { Kind = SearchIndexKind.Hnsw }).Should().BeOfType<HnswIndex>();
        VectorSearch.Create(m, 400, 12, new SearchIndexOptions { Kind = SearchIndexKind.Exact, ExactThreshold = 0 }).Should().BeOfType<ExactSearchIndex>();
        VectorSearch.Create(m, 400, 12).Should().BeOfType<ExactSearchIndex>("400 < the default threshold of {0}", VectorSearch.DefaultExactThreshold);
    }

    [Fact]
    public void Create_RefusesBadOptionsAndShapes()
    {
        FluentActions.Invoking(() => VectorSearch.Create(new float[4], 2, 2, new SearchIndexOptions { Kind = (SearchIndexKind)7 }))
            .Should().Throw<InvalidOptionException>().WithMessage("`kind`*");
        FluentActions.Invoking(() => VectorSearch.Create(new float[4], 2, 2, new SearchIndexOptions { ExactThreshold = -1 }))
            .Should().Throw<InvalidOptionException>().WithMessage("`exact_threshold` must be zero or more*-1");
        FluentActions.Invoking(() => VectorSearch.Create(new float[5], 2, 2)).Should().Throw<ArgumentException>().WithMessage("*5 values*2 × 2*");
    }

    [Fact]
    public void Normalize_GivesUnitRows_ZeroRowsStayZero()
    {
        var m = new float[] { 3, 4, 0, 0, -1, 0 };
        VectorSearch.NormalizeRows(m, 2);
        m.Should().Equal(0.6f, 0.8f, 0, 0, -1, 0);
        FluentActions.Invoking(() => VectorSearch.NormalizeRows(new float[5], 2)).Should().Throw<ArgumentException>().WithMessage("*5 values*rows of 2*");
    }

    [Fact]
    public void SyntheticEmbeddings_AreUnitRows_TheSameInParallelAndOneByOne()
    {
        var data = new SyntheticEmbeddings(32, clusters: 50, seed: 1);
        var m = data.Generate(10_000, first: 5);
        var row = new float[32];
        foreach (int r in new[] { 0, 4095, 4096, 9999 })
        {
            data.Row(5 + r, row);
            m.AsSpan(r * 32, 32).ToArray().Should().Equal(row);
        }
        for (int r = 0; r < 10_000; r += 97) TensorPrimitives.Norm(m.AsSpan(r * 32, 32)).Should().BeApproximately(1f, 1e-5f);
        new SyntheticEmbeddings(32, clusters: 50, seed: 2).Generate(1).Should().NotEqual(m[..32]);
    }
}
