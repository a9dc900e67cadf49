using BlairClip.ML.Core;
using BlairClip.ML.Models;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Search;
using BlairClip.ML.Tests.Conformance;
using FluentAssertions;

namespace BlairClip.ML.Tests.Search;

/// <summary>ModelSearch's first pass through an index: exact below the threshold (identical results), HNSW above it with
/// its graph cached beside the zip, a stale cache rebuilt.</summary>
public sealed class ModelSearchIndexTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("blairclip-search-index").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private const int Items = 3000, Dim = 32;

    /// <summary>An embedding model over clustered item vectors (a column that comes with the data, so the test queries with
    /// vectors of the same generator, past the catalog, through the space and the index directly).</summary>
    private static ModelSearch Search(int seed = 4)
    {
        var vectors = new SyntheticEmbeddings(Dim, 60, seed).Generate(Items);
        var ids = Enumerable.Range(0, Items).Select(i => $"i{i}").ToArray();
        var data = TinyData.Build([("u0", "i0"), ("u0", "i1"), ("u1", "i2")], ids.ToDictionary(i => i, i => i)).With(new DenseColumn("E", Dim, vectors));
        var chain = new RecommenderPipeline([], new BlairClipContext().Recommenders.Embedding(new EmbeddingRecommenderOptions { Mode = EmbeddingMode.Text, TextColumn = "E" })).Fit(data);
        var model = new RecommenderModel("E", "embedding", chain, data.Users, data.Items, ids, data.TrainHistories);
        return ModelSearch.For(model);
    }

    [Fact]
    public void Auto_below_the_threshold_is_exact_and_hnsw_above_finds_almost_the_same_items_and_caches_its_graph()
    {
        var search = Search();
        var space = search.Modalities.Single();
        var queries = new SyntheticEmbeddings(Dim, 60, 4).Generate(40, first: Items);
        var exact = Enumerable.Range(0, 40).Select(q => Top(space, queries.AsSpan(q * Dim, Dim).ToArray())).ToList();

        search.UseIndex(new SearchIndexOptions()).Index.Should().BeNull("3,000 items are below the exact threshold");
        search.IndexNote.Should().Be("exact");

        var cache = Path.Combine(_dir, "m.zip.hnsw");
        search.UseIndex(new SearchIndexOptions { ExactThreshold = 1000 }, cache);
        search.Index.Should().BeOfType<HnswIndex>();
        search.IndexNote.Should().StartWith("hnsw (built");
        File.Exists(cache).Should().BeTrue();
        double recall = Enumerable.Range(0, 40).Average(q =>
        {
            var v = queries.AsSpan(q * Dim, Dim).ToArray();
            VectorSearch.Normalize(v);
            return search.Index!.Search(v, 10).Select(h => h.Row).Intersect(exact[q]).Count() / 10.0;
        });
        recall.Should().BeGreaterThan(0.95);

        Search().UseIndex(new SearchIndexOptions { Kind = SearchIndexKind.Hnsw }, cache).IndexNote.Should().StartWith("hnsw (cached");
        // A cache built for other vectors is not used: rebuilt, saying why.
        var log = new StringWriter();
        Search(seed: 5).UseIndex(new SearchIndexOptions { Kind = SearchIndexKind.Hnsw }, cache, log).IndexNote.Should().StartWith("hnsw (built");
        log.ToString().Should().Contain("not usable").And.Contain("other vectors");
    }

    private static int[] Top(SearchModality space, float[] q)
    {
        VectorSearch.Normalize(q);
        var scores = new float[space.Rows];
        space.Cosines(q, scores);
        return TopK.Select(scores, 10);
    }
}
