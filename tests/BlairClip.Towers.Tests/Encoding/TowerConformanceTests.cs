using BlairClip.ML.Core;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Tests.Conformance;
using BlairClip.Towers.Encoding;
using FluentAssertions;

namespace BlairClip.Towers.Tests.Encoding;

/// <summary>The tower encoders through the same ML.NET-contract harness as every other estimator: declared schemas,
/// refusal before fitting, scoring pairs through ML.NET, save/reload, a fresh MLContext scoring the zip.</summary>
public sealed class TowerConformanceTests
{
    private static readonly string[] Texts = ["red lipstick matte", "beard oil for men", "matte red nail polish", "men beard trimmer", "lipstick gloss red"];

    [Fact]
    public void TinyRoberta_TextTowerThenEmbedding_PassesConformance()
    {
        var data = EncodingSandbox.Catalog(Texts);
        var context = new BlairClipContext();
        var pipeline = new RecommenderPipeline(
            [context.Transforms.TextTower(new TextTowerEncoderOptions { Checkpoint = Fixtures.TinyRoberta, Cache = false })],
            context.Recommenders.Embedding(new EmbeddingRecommenderOptions { Mode = EmbeddingMode.Text, TextColumn = "text_embedding", Normalize = false }));
        var reloaded = EstimatorConformance.Check(pipeline, data, data.Without("Text"));
        reloaded.Fitted.ItemTransformers.Single().Should().BeOfType<TowerEmbeddings>();
    }
}
