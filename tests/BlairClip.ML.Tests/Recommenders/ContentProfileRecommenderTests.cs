using BlairClip.ML.Core;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Tests.Conformance;
using BlairClip.ML.Text;
using FluentAssertions;

namespace BlairClip.ML.Tests.Recommenders;

public class ContentProfileRecommenderTests
{
    // Items 0..2 of a 2-d space: x0 = (1, 0), x1 = (0, 1), x2 = (1, 1).
    private static readonly float[] HandDense = [1, 0, 0, 1, 1, 1];

    private static RecDataset WithDense(int rows, int dim, float[] values, string column = "Features")
    {
        var ids = Enumerable.Range(0, rows).Select(i => $"i{i}").ToArray();
        var data = TinyData.Build([("u1", "i0"), ("u1", "i1"), ("u2", "i2")], ids.ToDictionary(i => i, i => "text " + i));
        return data.With(new DenseColumn(column, dim, values));
    }

    private static RecDataset WithSparse(int rows, int dim, float[] dense) =>
        WithDense(rows, dim, dense).With(new SparseColumn("Features", dim, dense));

    private static float[] Score(ContentProfileModel model, params int[][] histories)
    {
        var queries = histories.Select(h => new UserQuery(-1, h)).ToArray();
        var scores = new float[queries.Length * model.ItemCount];
        model.Score(queries, scores);
        return scores;
    }

    private static ContentProfileModel Fit(RecDataset data, ContentProfileOptions? options = null) =>
        new BlairClipContext().Recommenders.ContentProfile(options).Fit(data);

    [Fact]
    public void Score_DenseHandCase_MeanOfHistoryDotItem()
    {
        // profile = (x0 + x1) / 2 = (0.5, 0.5): scores 0.5, 0.5, 1.
        Score(Fit(WithDense(3, 2, HandDense)), [0, 1]).Should().Equal(0.5f, 0.5f, 1f);
    }

    [Fact]
    public void Score_SparseSameMatrix_SameScoresAsDense()
    {
        var sparse = Fit(WithSparse(3, 2, HandDense));
        sparse.IsDense.Should().BeFalse();
        Score(sparse, [0, 1], [2], []).Should().Equal(Score(Fit(WithDense(3, 2, HandDense)), [0, 1], [2], []));
        Score(sparse, [0, 1]).Should().Equal(0.5f, 0.5f, 1f);
    }

    [Fact]
    public void Score_EmptyHistory_AllZeros() =>
        Score(Fit(WithDense(3, 2, HandDense)), [2], []).Should().Equal(1f, 1f, 2f, 0f, 0f, 0f);

    [Fact]
    public void Score_NormalizeProfile_DividesByProfileNorm()
    {
        // profile (0.5, 0.5) / ‖·‖ = (1/√2, 1/√2): scores 1/√2, 1/√2, √2.
        var scores = Score(Fit(WithDense(3, 2, HandDense), new() { NormalizeProfile = true }), [0, 1]);
        scores.Should().BeEquivalentTo([1 / MathF.Sqrt(2), 1 / MathF.Sqrt(2), MathF.Sqrt(2)], o => o.Using<float>(
            c => c.Subject.Should().BeApproximately(c.Expectation, 1e-6f)).WhenTypeIs<float>().WithStrictOrdering());
    }

    [Fact]
    public void Score_NormalizeItems_UsesUnitRows()
    {
        // x2 becomes (1/√2, 1/√2); history {2}: profile = x2, scores 1/√2, 1/√2, 1.
        var scores = Score(Fit(WithSparse(3, 2, HandDense), new() { NormalizeItems = true }), [2]);
        scores[0].Should().BeApproximately(1 / MathF.Sqrt(2), 1e-6f);
        scores[1].Should().BeApproximately(1 / MathF.Sqrt(2), 1e-6f);
        scores[2].Should().BeApproximately(1f, 1e-6f);
    }

    [Theory]
    [InlineData(37, 51, 7)]     // dim not a multiple of 8, odd item and query remainders: sequential path
    [InlineData(768, 300, 30)]  // parallel over item blocks
    public void Score_DenseBatch_MatchesDoubleReferenceAndDoesNotDependOnBatch(int dim, int items, int users)
    {
        var rng = new Random(5);
        var values = Enumerable.Range(0, items * dim).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var model = Fit(WithDense(items, dim, values));
        var histories = Enumerable.Range(0, users).Select(u => Enumerable.Range(0, 1 + u % 4).Select(_ => rng.Next(items)).Distinct().Order().ToArray()).ToArray();
        var batch = Score(model, histories);
        for (int u = 0; u < users; u++)
        {
            Score(model, histories[u]).Should().Equal(batch.AsSpan(u * items, items).ToArray(), "user {0} alone scores as in the batch", u);
            for (int j = 0; j < items; j += 17)
            {
                double expected = 0, magnitude = 0;
                for (int c = 0; c < dim; c++)
                {
                    double term = histories[u].Average(i => (double)values[i * dim + c]) * values[j * dim + c];
                    expected += term;
                    magnitude += Math.Abs(term);
                }
                // A float32 sum of dim terms: error within a few ulps of the terms' magnitude per term (dim × 6e-8 bound).
                ((double)batch[u * items + j]).Should().BeApproximately(expected, 1e-4 + dim * 6e-8 * magnitude, "float32 accuracy");
            }
        }
    }

    [Fact]
    public void Score_SparseLargeBatch_ParallelMatchesSequential()
    {
        var rng = new Random(9);
        int items = 3000, dim = 400, users = 40;
        var dense = new float[items * dim];
        for (int k = 0; k < items * 12; k++) dense[rng.Next(dense.Length)] = (float)rng.NextDouble();
        var model = Fit(WithSparse(items, dim, dense));
        var histories = Enumerable.Range(0, users).Select(_ => new[] { rng.Next(items), rng.Next(items) }.Distinct().Order().ToArray()).ToArray();
        var batch = Score(model, histories);
        for (int u = 0; u < users; u += 7)
            Score(model, histories[u]).Should().Equal(batch.AsSpan(u * items, items).ToArray());
    }

    [Fact]
    public void Score_HistoryItemOutsideCatalog_ThrowsNamingIt() =>
        FluentActions.Invoking(() => Score(Fit(WithDense(3, 2, HandDense)), [0, 3]))
            .Should().Throw<ArgumentException>().WithMessage("*history item 3*0 … 2*");

    [Fact]
    public void Constructor_EmptyFeaturesColumn_ThrowsNamingIt() =>
        FluentActions.Invoking(() => new BlairClipContext().Recommenders.ContentProfile(new() { FeaturesColumn = "" }))
            .Should().Throw<InvalidOptionException>().Which.Option.Should().Be("features_column");

    [Fact]
    public void Conformance_DenseColumn_SaveReloadSameScores()
    {
        var rng = new Random(3);
        var data = TinyData.Small();
        var values = Enumerable.Range(0, data.Items.Count * 20).Select(_ => (float)rng.NextDouble()).ToArray();
        data = data.With(new DenseColumn("Emb", 20, values));
        var reloaded = EstimatorConformance.Check(
            new BlairClipContext().Recommenders.ContentProfile(new() { FeaturesColumn = "Emb", NormalizeItems = true }), data,
            TinyData.Small());
        ((ContentProfileModel)reloaded.Recommender).IsDense.Should().BeTrue();
    }

    [Fact]
    public void Conformance_TfIdfThenContentProfile_SaveReloadSameScores()
    {
        var context = new BlairClipContext();
        var chain = new RecommenderPipeline([context.Transforms.TfIdf()], context.Recommenders.ContentProfile());
        var data = TinyData.Small();
        var reloaded = EstimatorConformance.Check(chain, data, data.Without("Text"));
        reloaded.Fitted.ItemSteps.Should().HaveCount(1);
        reloaded.Fitted.ItemSteps[0].Transformer.Should().BeOfType<TfIdfTransformer>();
        // a ("red lipstick matte") shares terms with b and c, none with the beard items d and e.
        var top = reloaded.RecommendForHistory(["a"], top: 4).Select(r => r.ItemId).ToArray();
        top.Take(2).Should().BeEquivalentTo(["b", "c"]);
    }
}
