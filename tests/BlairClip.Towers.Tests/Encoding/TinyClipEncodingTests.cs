using System.Text.Json.Nodes;
using BlairClip.ML.Core;
using BlairClip.ML.Experiments;
using BlairClip.ML.IO;
using BlairClip.ML.Models;
using BlairClip.Towers.Encoding;
using FluentAssertions;

namespace BlairClip.Towers.Tests.Encoding;

/// <summary>The encoders and the encode verb on the real towers with the tiny random-weight checkpoints: only the
/// path through libtorch is proven here (the towers' own tests check the numbers against PyTorch).</summary>
public sealed class TinyClipEncodingTests : IDisposable
{
    private readonly EncodingSandbox _box = new();
    private static string TinyClip => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny-clip");
    private static string TinyRoberta => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny-roberta");

    public void Dispose() => _box.Dispose();

    [Theory]
    [InlineData("clip")]
    [InlineData("roberta")]
    public void TextTowerEncoder_RealTower_EqualsEncodeTexts(string which)
    {
        var checkpoint = which == "clip" ? TinyClip : TinyRoberta;
        string[] texts = ["red lipstick", "a matte foundation for dry skin", "banana shampoo"];
        var fitted = new BlairClipContext().Transforms.TextTower(new TextTowerEncoderOptions { Checkpoint = checkpoint, CacheDir = _box.CacheDir, BatchSize = 2 })
            .Fit(EncodingSandbox.Catalog(texts));

        using var tower = PretrainedTowers.LoadTextTower(checkpoint);
        fitted.Dimension.Should().Be(tower.Dimension);
        fitted.Embeddings.ToArray().Should().BeEquivalentTo(tower.EncodeTexts(texts), o => o.WithStrictOrdering()
            .Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-5f)).WhenTypeIs<float>());
    }

    [Fact]
    public void ImageTowerEncoder_RealTower_EqualsEncodeImages()
    {
        string[] names = ["synthetic_landscape_upscale.png", "synthetic_grayscale_landscape.png"];
        var fitted = new BlairClipContext().Transforms.ImageTower(new ImageTowerEncoderOptions { Checkpoint = TinyClip, CacheDir = _box.CacheDir })
            .Fit(EncodingSandbox.Catalog(["a", "b"], names.Select(EncodingSandbox.Fixture).ToList()));

        using var tower = PretrainedTowers.LoadImageTower(TinyClip);
        var pixels = new float[2 * tower.Processor.ValuesPerImage];
        tower.Processor.PreprocessFiles(names.Select(EncodingSandbox.Fixture).ToList(), pixels).Should().OnlyContain(e => e == null);
        fitted.Embeddings.ToArray().Should().BeEquivalentTo(tower.EncodeImages(pixels, 2), o => o.WithStrictOrdering()
            .Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-5f)).WhenTypeIs<float>());
    }

    [Fact]
    public void EncodeTexts_TinyClip_WritesProjectedNormalisedRows()
    {
        var input = Path.Combine(_box.Root, "texts.txt");
        File.WriteAllLines(input, ["one", "two words", "three little words"]);
        var output = Path.Combine(_box.Root, "e.safetensors");

        EmbeddingExport.EncodeTexts(TinyClip, input, output, new TowerOptions());

        using var tower = PretrainedTowers.LoadTextTower(TinyClip);
        using var file = SafeTensorsFile.Load(output);
        file.Info("embeddings").Shape.Should().Equal([3L, 16L], "tiny-clip's projection_dim is 16");
        file.Get<float>("embeddings").Should().BeEquivalentTo(tower.EncodeTexts(["one", "two words", "three little words"]), o => o.WithStrictOrdering()
            .Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-5f)).WhenTypeIs<float>());
    }

    /// <summary>A six-item study (texts and PNG images, one item without an image) through the study runner with
    /// pipelines/clip.yaml on tiny-clip: the zip is written, run.json counts the missing image, a second run encodes
    /// nothing, and `recommend` works from the zip with the checkpoint folder gone.</summary>
    [Fact]
    public void StudyRunner_ClipPipeline_RunsSavesAndRecommendsWithoutCheckpoint()
    {
        var root = _box.Root;
        var checkpoint = Path.Combine(root, "tiny-clip");
        Directory.CreateDirectory(checkpoint);
        foreach (var f in Directory.GetFiles(TinyClip)) File.Copy(f, Path.Combine(checkpoint, Path.GetFileName(f)));
        Directory.CreateDirectory(Path.Combine(root, "images"));
        string[] pngs = ["synthetic_landscape_upscale.png", "synthetic_portrait_downscale.png", "synthetic_grayscale_landscape.png"];
        for (int i = 0; i < 5; i++)  // item p5 has no image
            File.Copy(EncodingSandbox.Fixture(pngs[i % 3]), Path.Combine(root, "images", $"p{i}.png"));
        File.WriteAllLines(Path.Combine(root, "items.csv"), ["id,title",
            "p0,red lipstick", "p1,matte foundation", "p2,banana shampoo", "p3,rose perfume", "p4,hair oil", "p5,nail polish"]);
        File.WriteAllLines(Path.Combine(root, "interactions.csv"), ["user,item,ts",
            "u0,p0,1", "u0,p1,2", "u0,p2,3", "u1,p2,1", "u1,p3,2", "u1,p4,3", "u2,p4,1", "u2,p5,2", "u2,p0,3"]);
        File.WriteAllText(Path.Combine(root, "study.yaml"), """
            name: tiny-clip
            seed: 1
            data:
              format: table
              interactions: { path: interactions.csv, user: user, item: item, timestamp: ts }
              items: { path: items.csv, id: id, title: title }
              item_text: [title]
              images: images/{item}.png
            split: { method: leave_one_out }
            models:
              - name: CLIP
                pipeline: clip
                params:
                  TextTowerEncoder.checkpoint: tiny-clip
                  ImageTowerEncoder.checkpoint: tiny-clip
                  TextTowerEncoder.cache_dir: cache
                  ImageTowerEncoder.cache_dir: cache
                  mode: combined
            output: { save_models: true }
            """);

        var first = StudyRunner.Run(Path.Combine(root, "study.yaml"), new StudyRunOptions { OutputDirectory = Path.Combine(root, "out1") });
        var run = JsonNode.Parse(File.ReadAllText(Path.Combine(first.OutputDirectory, "run.json")))!;
        run["data"]!["image_embedding_missing_images"]!.GetValue<long>().Should().Be(1);
        run["data"]!["image_embedding_unreadable_images"]!.GetValue<long>().Should().Be(0);
        var zip = Path.Combine(first.OutputDirectory, "models", "CLIP.zip");
        File.Exists(zip).Should().BeTrue();

        Directory.Move(checkpoint, checkpoint + "-gone");
        var model = ModelArchive.Load(zip);
        var recs = model.RecommendForUser("u0", 3);
        recs.Should().HaveCount(3);
        recs.Select(r => r.ItemId).Should().NotContain(["p0", "p1"], "training history is excluded");
        model.Fitted.ItemTransformers.OfType<TowerEmbeddings>().Select(t => t.Tower).Should().Equal(TowerKind.Text, TowerKind.Image);

        // The same study again: every row comes from the cache (the checkpoint is back, its weights only hashed).
        Directory.Move(checkpoint + "-gone", checkpoint);
        var data = StudyData.Prepare(ML.Experiments.Yaml.SpecDocument.Load(Path.Combine(root, "study.yaml")), new StageTimes());
        var context = new BlairClipContext(baseDirectory: root);
        context.Transforms.TextTower(new TextTowerEncoderOptions { Checkpoint = "tiny-clip", CacheDir = "cache" }).Fit(data.Train).EncodedCount.Should().Be(0);
        context.Transforms.ImageTower(new ImageTowerEncoderOptions { Checkpoint = "tiny-clip", CacheDir = "cache" }).Fit(data.Train).EncodedCount.Should().Be(0);
    }
}
