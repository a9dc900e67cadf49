using System.Numerics.Tensors;
using BlairClip.ML.Core;
using BlairClip.ML.Features;
using BlairClip.ML.IO;
using BlairClip.ML.Models;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Tests.Conformance;
using FluentAssertions;

namespace BlairClip.ML.Tests.Recommenders;

public class EmbeddingRecommenderTests
{
    // Four items. Text, 2-d: t0 = (3, 4), t1 = (1, 0), t2 = (0, 2), t3 = (1, 1); normalised: (0.6, 0.8), (1, 0), (0, 1), (1, 1)/√2.
    private static readonly float[] Text = [3, 4, 1, 0, 0, 2, 1, 1];
    // Image, 3-d: i0 = (1, 0, 0), i1 = (0, 1, 0), i2 = (0, 0, 5), i3 = (0, 3, 4); normalised: …, (0, 0, 1), (0, 0.6, 0.8).
    private static readonly float[] Image = [1, 0, 0, 0, 1, 0, 0, 0, 5, 0, 3, 4];
    private static readonly float R2 = MathF.Sqrt(2);

    /// <summary>Items i0..i{rows-1} with the given vector columns (and optional presence flags).</summary>
    private static RecDataset Data(int rows, params TestColumn[] columns)
    {
        var ids = Enumerable.Range(0, rows).Select(i => $"i{i}").ToArray();
        var data = TinyData.Build([("u0", "i0"), .. ids.Select((id, k) => ($"u{k}", id))], ids.ToDictionary(i => i, i => "text " + i));
        return data.With(columns);
    }

    private static RecDataset TextImage(params TestColumn[] extra) =>
        Data(4, [new DenseColumn("Text", 2, Text), new DenseColumn("Image", 3, Image), .. extra]);

    private static SparseColumn Sparse(string name, int dim, float[] dense) => new(name, dim, dense);

    private static EmbeddingRecommender Estimator(EmbeddingRecommenderOptions options) => new BlairClipContext().Recommenders.Embedding(options);

    private static float[] Score(IRecommender model, params int[][] histories)
    {
        var queries = histories.Select(h => new UserQuery(-1, h)).ToArray();
        var scores = new float[queries.Length * model.ItemCount];
        model.Score(queries, scores);
        return scores;
    }

    private static readonly EmbeddingRecommenderOptions TextMode = new() { Mode = EmbeddingMode.Text, TextColumn = "Text" };
    private static readonly EmbeddingRecommenderOptions ImageMode = new() { Mode = EmbeddingMode.Image, ImageColumn = "Image" };

    [Fact]
    public void Score_TextMode_CosineWithNormalisedMeanOfHistory()
    {
        var model = Estimator(TextMode).Fit(TextImage());
        // History {1}: u = (1, 0).
        Score(model, [1]).Should().BeEquivalentTo(new[] { 0.6f, 1f, 0f, 1 / R2 }, o => o.WithStrictOrdering().Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-6f)).WhenTypeIs<float>());
        // History {0, 1}: ū = ((0.6 + 1)/2, 0.8/2) = (0.8, 0.4), ‖ū‖ = √0.8.
        float n = MathF.Sqrt(0.8f);
        Score(model, [0, 1]).Should().BeEquivalentTo(new[] { 0.8f / n, 0.8f / n, 0.4f / n, 1.2f / R2 / n },
            o => o.WithStrictOrdering().Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-6f)).WhenTypeIs<float>());
    }

    [Fact]
    public void Score_ImageMode_CosineWithHistoryImage()
    {
        var model = Estimator(ImageMode).Fit(TextImage());
        // History {2}: u = (0, 0, 1): scores = third component of the normalised images.
        Score(model, [2]).Should().BeEquivalentTo(new[] { 0f, 0f, 1f, 0.8f }, o => o.WithStrictOrdering().Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-6f)).WhenTypeIs<float>());
    }

    [Fact]
    public void Score_EmptyHistory_AllZero()
    {
        Score(Estimator(ImageMode).Fit(TextImage()), new int[0]).Should().Equal(0f, 0f, 0f, 0f);
    }

    [Fact]
    public void Score_CombinedMode_MeanOfNormalisedTextAndImageRenormalised()
    {
        // Text t0 = (2, 0), t1 = (0, 1); image g0 = (0, 3), g1 = (0, 1).
        // c0 = normalise((1, 0) + (0, 1)) = (1, 1)/√2; c1 = normalise((0, 1) + (0, 1)) = (0, 1).
        var data = Data(2, new DenseColumn("Text", 2, [2, 0, 0, 1]), new DenseColumn("Image", 2, [0, 3, 0, 1]));
        var model = Estimator(new() { Mode = EmbeddingMode.Combined, TextColumn = "Text", ImageColumn = "Image" }).Fit(data);
        // History {1}: u = c1 = (0, 1).
        var s = Score(model, [1]);
        s[0].Should().BeApproximately(1 / R2, 1e-6f);
        s[1].Should().BeApproximately(1f, 1e-6f);
    }

    [Fact]
    public void Fit_CombinedDifferentDimensions_RefusedNamingBoth()
    {
        var estimator = Estimator(new() { Mode = EmbeddingMode.Combined, TextColumn = "Text", ImageColumn = "Image" });
        var act = () => estimator.Fit(TextImage());
        act.Should().Throw<SchemaMismatchException>().WithMessage("*text_column 'Text' has dimension 2 and image_column 'Image' has 3; use mode concat*");
    }

    [Fact]
    public void Score_ConcatHandCase_WeightedSumOfCosines()
    {
        var model = Estimator(new() { Mode = EmbeddingMode.Concat, Columns = ["Text", "Image"], Weights = [0.7f, 0.3f] }).Fit(TextImage());
        // History {1}: ū_text = (1, 0), ū_image = (0, 1, 0), ‖u‖² = 0.7·1 + 0.3·1 = 1.
        Score(model, [1]).Should().BeEquivalentTo(new[] { 0.7f * 0.6f, 0.7f + 0.3f, 0f, 0.7f / R2 + 0.3f * 0.6f },
            o => o.WithStrictOrdering().Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-6f)).WhenTypeIs<float>());
    }

    [Theory]
    [InlineData(1f, 1f)]
    [InlineData(0.7f, 0.3f)]
    [InlineData(0.2f, 3f)]
    public void Score_ConcatSparseAndDense_EqualsExplicitConcatenation(float wText, float wImage)
    {
        // Text sparse, image dense: the explicit concatenation [√w_t t̂, √w_i î] scored by a content profile with a
        // normalised profile is the definition the fused kernel must match.
        var data = TextImage(Sparse("TextSparse", 2, Text));
        var fused = Estimator(new() { Mode = EmbeddingMode.Concat, Columns = ["TextSparse", "Image"], Weights = [wText, wImage] }).Fit(data);

        var concat = new float[4 * 5];
        for (int j = 0; j < 4; j++)
        {
            var t = Text.AsSpan(j * 2, 2).ToArray(); var g = Image.AsSpan(j * 3, 3).ToArray();
            TensorPrimitives.Multiply(t, MathF.Sqrt(wText) / TensorPrimitives.Norm(t), t);
            TensorPrimitives.Multiply(g, MathF.Sqrt(wImage) / TensorPrimitives.Norm(g), g);
            t.CopyTo(concat, j * 5); g.CopyTo(concat, j * 5 + 2);
        }
        var explicitModel = new BlairClipContext().Recommenders.ContentProfile(new ContentProfileOptions { FeaturesColumn = "Concat", NormalizeProfile = true })
            .Fit(data.With(new DenseColumn("Concat", 5, concat)));

        int[][] histories = [[0], [1], [0, 1], [2, 3], [0, 1, 2, 3], []];
        var expected = Score(explicitModel, histories);
        var actual = Score(fused, histories);
        for (int k = 0; k < expected.Length; k++) actual[k].Should().BeApproximately(expected[k], 1e-6f, $"score {k}");
    }

    [Fact]
    public void Score_ConcatWeights_ChangeRankingTowardsHeavierModality()
    {
        // Item 0 (the history) is (1, 0) in both; item 1 matches it in text only, item 2 in image only.
        var data = Data(3, new DenseColumn("T", 2, [1, 0, 1, 0, 0, 1]), new DenseColumn("G", 2, [1, 0, 0, 1, 1, 0]));
        float[] Scores(float wt) => Score(Estimator(new() { Mode = EmbeddingMode.Concat, Columns = ["T", "G"], Weights = [wt, 1 - wt] }).Fit(data), [0]);

        // ‖u‖ = √(w_t + w_i) = 1, so item 1 scores w_t and item 2 scores w_i.
        var textHeavy = Scores(0.9f);
        textHeavy[1].Should().BeApproximately(0.9f, 1e-6f);
        textHeavy[2].Should().BeApproximately(0.1f, 1e-6f);
        var imageHeavy = Scores(0.1f);
        imageHeavy[2].Should().BeGreaterThan(imageHeavy[1]);
    }

    [Fact]
    public void Score_MissingImageSkip_NeverRecommendedZero_ScoredByOtherModality()
    {
        // Item 3 has no image row (flag 0, zero row).
        var image = (float[])Image.Clone();
        Array.Clear(image, 9, 3);
        var data = Data(4, new DenseColumn("Text", 2, Text), new DenseColumn("Image", 3, image),
            new Int32Column(ItemFeatureLoader.PresenceColumn("Image"), [1, 1, 1, 0]));

        var skip = Estimator(ImageMode with { Missing = MissingFeatures.Skip }).Fit(data);
        skip.SkippedItems.ToArray().Should().Equal(3);
        Score(skip, [1])[3].Should().Be(float.NegativeInfinity);
        Score(Estimator(ImageMode).Fit(data), [1])[3].Should().Be(0f);

        var concat = Estimator(new() { Mode = EmbeddingMode.Concat, Columns = ["Text", "Image"], Weights = [0.5f, 0.5f] }).Fit(data);
        // History {1}: ‖u‖² = 0.5 + 0.5; item 3 keeps its text cosine 1/√2, weighted 0.5.
        Score(concat, [1])[3].Should().BeApproximately(0.5f / R2, 1e-6f);
    }

    [Theory]
    [InlineData(EmbeddingMode.Concat, new string[0], new float[0], "`columns` must list at least one vector column for mode concat*")]
    [InlineData(EmbeddingMode.Concat, new[] { "A", "B" }, new[] { 1f }, "`weights` must be empty or have one weight per column (2)*")]
    [InlineData(EmbeddingMode.Concat, new[] { "A" }, new[] { -1f }, "`weights` must hold finite non-negative numbers, but was -1")]
    [InlineData(EmbeddingMode.Concat, new[] { "A", "A" }, new float[0], "`columns` must not repeat a column*")]
    [InlineData(EmbeddingMode.Image, new[] { "A" }, new float[0], "`columns` is only for mode concat (mode is Image)*")]
    public void Constructor_BadOptions_NameTheOption(EmbeddingMode mode, string[] columns, float[] weights, string message)
    {
        var act = () => Estimator(new() { Mode = mode, Columns = columns, Weights = weights });
        act.Should().Throw<InvalidOptionException>().WithMessage(message);
    }

    [Fact]
    public void CheckItems_MissingColumn_Refused()
    {
        var act = () => Estimator(ImageMode).CheckItems(BlairClip.ML.DataViews.SchemaShapes.Of(TinyData.Small().ItemTable.Schema));
        act.Should().Throw<SchemaMismatchException>().WithMessage("EmbeddingRecommender needs column 'Image'*");
    }

    [Theory]
    [InlineData(EmbeddingMode.Text)]
    [InlineData(EmbeddingMode.Image)]
    [InlineData(EmbeddingMode.Concat)]
    public void Conformance_EveryMode_SaveReloadIdenticalScores(EmbeddingMode mode)
    {
        var options = mode == EmbeddingMode.Concat
            ? new EmbeddingRecommenderOptions { Mode = mode, Columns = ["TextSparse", "Image"], Weights = [0.7f, 0.3f] }
            : new EmbeddingRecommenderOptions { Mode = mode, TextColumn = "TextSparse", ImageColumn = "Image" };
        var data = TextImage(Sparse("TextSparse", 2, Text));
        var reloaded = EstimatorConformance.Check(Estimator(options), data, TinyData.Small());
        ((EmbeddingModel)reloaded.Recommender).Options.Should().BeEquivalentTo(options);
    }

    [Fact]
    public void Conformance_FeatureLookupThenCombined_SaveReloadIdenticalScores()
    {
        var data = Data(2, new DenseColumn("Text", 2, [2, 0, 0, 1]), new DenseColumn("raw", 2, [0, 3, 0, 1]));
        var context = new BlairClipContext();
        var chain = new RecommenderPipeline([context.Transforms.FeatureLookup("raw", "Image", normalize: true)],
            context.Recommenders.Embedding(new() { Mode = EmbeddingMode.Combined, TextColumn = "Text", ImageColumn = "Image" }));
        EstimatorConformance.Check(chain, data, TinyData.Small());
    }

    [Fact]
    public void SaveLoad_SkippedItems_RoundTrip()
    {
        var image = (float[])Image.Clone();
        Array.Clear(image, 3, 3);
        var data = Data(4, new DenseColumn("Image", 3, image), new Int32Column("Image_present", [1, 0, 1, 1]));
        var model = Estimator(ImageMode with { Missing = MissingFeatures.Skip }).Fit(data);
        var save = new EntryWriter();
        model.SaveEntry(save);
        var loaded = EmbeddingModel.LoadEntry(new EntryReader("entry", 1, save.Properties, SafeTensorsFile.Parse(save.Tensors.ToArray(), "t")));
        loaded.SkippedItems.ToArray().Should().Equal(1);
        Score(loaded, [2], [0, 3]).Should().Equal(Score(model, [2], [0, 3]));
        Score(loaded, [2])[1].Should().Be(float.NegativeInfinity);
    }
}
