using BlairClip.ML.Core;
using BlairClip.ML.Text;
using BlairClip.ML.Data;
using BlairClip.ML.Models;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Search;
using BlairClip.ML.Tests.Conformance;
using FluentAssertions;

namespace BlairClip.ML.Tests.Search;

/// <summary>Search over a TF-IDF content-profile model (saved and loaded): scores are the cosines of the query's TF-IDF
/// vector with the items', queries the model cannot embed are refused with the reason, search-eval's numbers.</summary>
public sealed class ModelSearchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("blairclip-search").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private RecommenderModel Saved(IRecommenderEstimator recommender, bool tfidf = true)
    {
        var data = TinyData.Small();
        var ctx = new BlairClipContext();
        var chain = new RecommenderPipeline(tfidf ? [ctx.Transforms.TfIdf()] : [], recommender).Fit(data);
        var model = new RecommenderModel("M", "test", chain, data.Users, data.Items, data.Items.Ids.Select(i => "title " + i).ToArray(), data.TrainHistories);
        var zip = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".zip");
        ModelArchive.Save(model, zip);
        return ModelArchive.Load(zip);
    }

    [Fact]
    public void A_text_query_scores_the_cosine_of_its_tfidf_vector_with_every_item()
    {
        var model = Saved(new BlairClipContext().Recommenders.ContentProfile());
        var search = ModelSearch.For(model);
        var hits = search.Search(new SearchQuery("red lipstick matte", null), top: 5);
        hits[0].ItemId.Should().Be("a", "the query is item a's own text");
        hits[0].Score.Should().BeApproximately(1f, 1e-5f);
        hits[0].Title.Should().Be("title a");

        // Against the item rows the model holds and the query row TF-IDF writes, computed here.
        var tfidf = (TfIdfTransformer)model.Fitted.ItemSteps[0].Transformer;
        var q = DataViews.DataViewColumns.Vectors(tfidf.Transform(QueryEncoders.QueryItem("beard lipstick", null)), "Features", "test").ToDense();
        var items = ((ContentProfileModel)model.Recommender).Items;
        var dense = items.ToDense();
        var scores = search.Scores(new SearchQuery("beard lipstick", null));
        for (int i = 0; i < items.Rows; i++)
        {
            var row = dense.AsSpan(i * items.Dimension, items.Dimension).ToArray();
            var expected = (row.Zip(q, (x, y) => x * y).Sum()) / (Math.Sqrt(row.Sum(x => x * x)) * Math.Sqrt(q.Sum(x => x * x)));
            scores[i].Should().BeApproximately((float)expected, 1e-5f, $"item {i}");
        }
        // Ties (zero scores) listed by catalog order; top caps the list.
        search.Search(new SearchQuery("beard", null), top: 3).Select(h => h.ItemId).Should().Equal("d", "e", "a");
    }

    [Fact]
    public void Queries_a_model_cannot_embed_are_refused_saying_why()
    {
        var tfidf = ModelSearch.For(Saved(new BlairClipContext().Recommenders.ContentProfile()));
        tfidf.Supports(QueryKind.Image, out var why).Should().BeFalse();
        why.Should().Contain("an image query").And.Contain("item text");
        var act = () => tfidf.Search(new SearchQuery("lipstick", "/tmp/x.png"));
        act.Should().Throw<QueryNotSupportedException>().WithMessage("*image query*");
        ((Action)(() => tfidf.Search(new SearchQuery(null, null)))).Should().Throw<InvalidOptionException>().WithMessage("*text, an image or both*");
        ((Action)(() => ModelSearch.For(tfidf.Model, ItemSide.Image))).Should().Throw<QueryNotSupportedException>().WithMessage("*one set of item vectors*");

        var bpr = Saved(new BlairClipContext().Recommenders.Bpr(new BprOptions { Epochs = 1 }), tfidf: false);
        ((Action)(() => ModelSearch.For(bpr))).Should().Throw<QueryNotSupportedException>().WithMessage("*no item content*");
    }

    [Fact]
    public void Rerank_parses_K_colon_w_and_refuses_anything_else()
    {
        Rerank.Parse("50:0.9").Should().Be(new Rerank(50, 0.9f));
        foreach (var bad in new[] { "50", "0:0.5", "5:1.5", "a:b", "5:0.5:1" })
            ((Action)(() => Rerank.Parse(bad))).Should().Throw<InvalidOptionException>().WithMessage("*--rerank*");
    }

    [Fact]
    public void Search_eval_reports_mean_top5_similarity_recall_and_ndcg()
    {
        var search = ModelSearch.For(Saved(new BlairClipContext().Recommenders.ContentProfile()));
        var file = Path.Combine(_dir, "q.jsonl");
        File.WriteAllLines(file, ["{\"text\": \"red lipstick matte\", \"relevant\": [\"a\"]}", "", "{\"text\": \"men beard trimmer\", \"relevant\": [\"e\", \"d\"]}"]);
        var queries = SearchEvaluation.Read(file, search.Model.Items);
        queries.Select(q => q.Line).Should().Equal(1, 3);
        var result = SearchEvaluation.Evaluate(search, queries, [1, 2]);
        double top5 = queries.Average(q => search.Search(q.Query, 5).Average(h => (double)h.Score));
        result.AvgMeanSimilarityAt5.Should().BeApproximately(top5, 1e-9);
        result.Metrics["Recall@1"].Should().BeApproximately((1 + 0.5) / 2, 1e-12, "a first; e first of {e, d}");
        result.Metrics["Recall@2"].Should().BeApproximately(1, 1e-12);
        result.Metrics["NDCG@2"].Should().BeApproximately(1, 1e-12);

        File.WriteAllLines(file, ["{\"text\": \"x\", \"relevant\": [\"nope\"]}"]);
        ((Action)(() => SearchEvaluation.Read(file, search.Model.Items))).Should().Throw<DataFormatException>().WithMessage($"*{file}*1*nope*");
        SearchEvaluation.TitleQueries(search.Model, ["b"]).Single().Query.Text.Should().Be("title b");
    }
}
