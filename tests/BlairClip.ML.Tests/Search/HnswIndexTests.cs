using BlairClip.ML.Core;
using BlairClip.ML.Search;
using FluentAssertions;

namespace BlairClip.ML.Tests.Search;

public sealed class HnswIndexTests(HnswFixture f) : IClassFixture<HnswFixture>
{
    [Fact]
    public void RecallAt10_AgainstExact_IsAtLeast098_WithDefaults()
    {
        double recall = f.Recall(q => f.Index.Search(f.Query(q), HnswFixture.K));
        recall.Should().BeGreaterThanOrEqualTo(0.98);
    }

    [Fact]
    public void EfSearch_PerQuery_TradesRecall()
    {
        double low = f.Recall(q => f.Index.Search(f.Query(q), HnswFixture.K, efSearch: 1));
        double high = f.Recall(q => f.Index.Search(f.Query(q), HnswFixture.K, efSearch: 400));
        high.Should().BeGreaterThan(low);
        high.Should().BeGreaterThanOrEqualTo(0.995);
    }

    [Fact]
    public void Hits_CarryExactScores_BestFirst_AndMatchExactWhereFound()
    {
        for (int q = 0; q < 20; q++)
        {
            var hits = f.Index.Search(f.Query(q), 50);
            hits.Should().HaveCount(50);
            for (int i = 1; i < hits.Count; i++) SearchHit.Before(hits[i - 1], hits[i]).Should().BeTrue();
            var exact = f.Exact.Search(f.Query(q), HnswFixture.Rows).ToDictionary(h => h.Row, h => h.Score);
            foreach (var h in hits) h.Score.Should().Be(exact[h.Row]);
        }
    }

    [Fact]
    public void Graph_EveryNodeReachableOnLayer0_LinksDistinctAndWithinCapacity()
    {
        var g = f.Index.Graph;
        var seen = new bool[g.Count];
        var stack = new Stack<int>([g.EntryPoint]);
        seen[g.EntryPoint] = true;
        int reached = 1;
        while (stack.Count > 0)
            foreach (int n in g.Links(stack.Pop(), 0))
                if (!seen[n]) { seen[n] = true; reached++; stack.Push(n); }
        reached.Should().Be(g.Count);
        for (int node = 0; node < g.Count; node++)
            for (int l = 0; l <= g.Levels[node]; l++)
            {
                var links = g.Links(node, l).ToArray();
                links.Length.Should().BeInRange(l == 0 ? 1 : 0, g.Capacity(l));
                links.Should().OnlyHaveUniqueItems().And.NotContain(node);
                links.All(n => g.Levels[n] >= l).Should().BeTrue();
            }
        g.Levels[g.EntryPoint].Should().Be((byte)g.MaxLevel);
    }

    [Fact]
    public void SmallGraph_WithEfAtLeastCount_ReturnsExactlyExactsRanking()
    {
        var data = new SyntheticEmbeddings(16, clusters: 5, seed: 2);
        var m = data.Generate(300);
        var hnsw = HnswIndex.Build(m, 300, 16);
        var exact = new ExactSearchIndex(m, 300, 16);
        var query = data.Generate(1, first: 300);
        hnsw.Search(query, 1000, efSearch: 300).Should().Equal(exact.Search(query, 1000));
    }

    [Fact]
    public void EmptyAndTinyGraphs_AndBadInputs()
    {
        var empty = HnswIndex.Build(Array.Empty<float>(), 0, 8);
        empty.Search(new float[8], 3).Should().BeEmpty();
        empty.MaxLevel.Should().Be(-1);
        var one = HnswIndex.Build(new float[] { 0.6f, 0.8f }, 1, 2);
        one.Search([1, 0], 5).Should().Equal(new SearchHit(0, 0.6f));
        one.Search([1, 0], 0).Should().BeEmpty();
        one.Invoking(i => i.Search([1, 0, 0], 1)).Should().Throw<ArgumentException>().WithMessage("*query has 3 values*vectors have 2*");
        one.Invoking(i => i.Search([1, 0], 1, efSearch: 0)).Should().Throw<ArgumentOutOfRangeException>();
        one.Invoking(i => i.EfSearch = 0).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => HnswIndex.Build(new float[] { 1, float.PositiveInfinity }, 1, 2))
            .Should().Throw<ArgumentException>().WithMessage("*Row 0*NaN or an infinity*");
        FluentActions.Invoking(() => HnswIndex.Build(new float[4], 2, 2, new HnswOptions { M = 1 }))
            .Should().Throw<InvalidOptionException>().WithMessage("`m` must be at least 2*1");
        FluentActions.Invoking(() => HnswIndex.Build(new float[4], 2, 2, new HnswOptions { EfConstruction = 8 }))
            .Should().Throw<InvalidOptionException>().WithMessage("`ef_construction` must be at least m (16)*8");
    }

    [Fact]
    public void Build_IsByteIdentical_ForOneAndManyThreads_AndDependsOnTheSeed()
    {
        var m = new SyntheticEmbeddings(24, clusters: 40, seed: 5).Generate(6000);
        byte[] Bytes(int threads, int seed)
        {
            var index = HnswIndex.Build(m, 6000, 24, new HnswOptions { M = 8, EfConstruction = 40, Threads = threads, Seed = seed });
            using var stream = new MemoryStream();
            index.Save(stream);
            return stream.ToArray();
        }
        var one = Bytes(1, 42);
        Bytes(4, 42).Should().Equal(one);
        Bytes(3, 42).Should().Equal(one);
        Bytes(4, 43).Should().NotEqual(one);
    }

    [Fact]
    public void Levels_FollowTheGeometricLaw_AndBatchesStartAtOne()
    {
        var levels = HnswBuilder.DrawLevels(200_000, 16, 42);
        // P(level ≥ 1) = 1/M.
        (levels.Count(l => l >= 1) / 200_000.0).Should().BeApproximately(1 / 16.0, 0.003);
        (levels.Count(l => l >= 2) / 200_000.0).Should().BeApproximately(1 / 256.0, 0.0006);
        HnswBuilder.DrawLevels(1000, 16, 42).Should().Equal(HnswBuilder.DrawLevels(1000, 16, 42));
        HnswBuilder.BatchSize(0).Should().Be(1);
        HnswBuilder.BatchSize(127).Should().Be(1);
        HnswBuilder.BatchSize(1_000_000).Should().Be(512);
    }
}
