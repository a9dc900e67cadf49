using BlairClip.ML.Core;
using BlairClip.ML.Tests.Conformance;
using BlairClip.Towers.DualEncoder;
using BlairClip.Towers.Roberta;
using BlairClip.Towers.Tests.Encoding;
using FluentAssertions;

namespace BlairClip.Towers.Tests.Training;

/// <summary>BLaIR-CLIP fine-tuning the tiny RoBERTa checkpoint end to end on the CPU (text tower trainable, image
/// features frozen).</summary>
public sealed class BlairClipTowerTests
{
    private static readonly string[] Colours = ["red", "blue", "green", "black", "white", "pink"];
    private static readonly string[] Kinds = ["dress", "shirt", "shoe", "bag", "hat"];
    private const int Items = 30;

    /// <summary>Items described by a colour and a kind; the image features are a one-hot of the same two facts.</summary>
    private static RecDataset Catalog()
    {
        var ids = Enumerable.Range(0, Items).Select(i => $"i{i}").ToArray();
        var texts = ids.ToDictionary(id => id, id => { int i = int.Parse(id[1..]); return $"a {Colours[i % 6]} {Kinds[i % 5]} number {i}"; });
        var image = new float[Items * 11];
        for (int i = 0; i < Items; i++) { image[i * 11 + i % 6] = 1; image[i * 11 + 6 + i % 5] = 1; }
        var pairs = Enumerable.Range(0, 12).SelectMany(u => Enumerable.Range(0, 3).Select(t => ($"u{u}", ids[(u + t) % Items]))).ToList();
        return TinyData.Build(pairs, texts).With(new DenseColumn("I", 11, image));
    }

    private static BlairClipOptions Options => new()
    {
        TextTower = Fixtures.TinyRoberta, ImageColumn = "I", ProjectionDim = 8, Epochs = 6, BatchSize = 8, LearningRate = 5e-3, Seed = 3,
    };

    [Fact]
    public void FineTuning_ChangesTheTower_AndLowersTheLoss()
    {
        var model = new BlairClipContext().Recommenders.BlairClip(Options).Fit(Catalog());
        model.EpochLoss[^1].Should().BeLessThan(model.EpochLoss[0]);
        model.TrainedWeights.Should().NotBeNull();
        using var original = RobertaModel.FromPretrained(Fixtures.TinyRoberta);
        var key = "encoder.layer.1.output.dense.weight";
        var before = original.named_parameters().Single(p => p.name == key).parameter.data<float>().ToArray();
        model.TrainedWeights!["text_tower." + key].Values.Should().NotEqual(before, "the tower itself was trained");
        model.TextDim.Should().Be(original.Config.hidden_size);

        // Truncated to 3 tokens ("<s> a colour"), the kinds and numbers are cut off: different vectors, still trains.
        var truncated = new BlairClipContext().Recommenders.BlairClip(Options with { MaxSeqLength = 3, Epochs = 2 }).Fit(Catalog());
        truncated.EpochLoss.Should().OnlyContain(l => float.IsFinite(l));
        truncated.TrainedWeights!["text_tower." + key].Values.Should().NotEqual(model.TrainedWeights!["text_tower." + key].Values);
    }

    [Fact]
    public void FineTuning_ResumedAfterACrash_EndsWithBitIdenticalTrainedWeights()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bc-tower-resume-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = Options with { Epochs = 3, SaveEvery = 2, TrainLastLayers = 1 };
            var reference = new BlairClipContext().Recommenders.BlairClip(options with { SaveEvery = 0 }).Fit(Catalog());
            var crashing = new BlairClipContext(progress: new CrashAfter(6));
            crashing.Checkpoints.Root = dir;
            FluentActions.Invoking(() => crashing.Recommenders.BlairClip(options).Fit(Catalog())).Should().Throw<Crash>();
            var resuming = new BlairClipContext();
            resuming.Checkpoints.Root = dir;
            var resumed = resuming.Recommenders.BlairClip(options).Fit(Catalog());
            resuming.Report.Get("blair_clip_resumed_from_step").Should().Be(4, "the crash came in batch 6; checkpoints were written after updates 2 and 4");
            resumed.TrainedWeights!.Keys.Should().BeEquivalentTo(reference.TrainedWeights!.Keys);
            foreach (var (key, (values, _)) in reference.TrainedWeights!)
                resumed.TrainedWeights[key].Values.Should().Equal(values, $"{key} is bit-identical");
            resumed.TextProjection.ToArray().Should().Equal(reference.TextProjection.ToArray());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The catalog with a review per training event that names its item's colour and kind in other words.</summary>
    private static RecDataset WithReviews(RecDataset data)
    {
        var train = data.Train;
        var reviews = train.Item.Select(i => { int n = int.Parse(data.Items[i][1..]); return $"i love this {Kinds[n % 5]}, so {Colours[n % 6]}"; }).ToArray();
        return new RecDataset(data.Users, data.Items, data.ItemTable, new Interactions(train.User, train.Item, train.Timestamp, train.Rating, reviews));
    }

    [Fact]
    public void ReviewObjectives_TrainTheTowerOnReviewTexts_AndNeedTheTowerAndTheReviews()
    {
        var data = WithReviews(Catalog());
        var context = new BlairClipContext();
        var model = context.Recommenders.BlairClip(Options with { TextImageWeight = 0, NextItemWeight = 0, ReviewMetaWeight = 1, ReviewImageWeight = 0.5f }).Fit(data);
        model.EpochLoss[^1].Should().BeLessThan(model.EpochLoss[0], "review ↔ meta and review ↔ image InfoNCE fall");
        context.Report.Get("blair_clip_review_meta_pairs").Should().Be(data.Train.Count);
        context.Report.Get("blair_clip_review_image_pairs").Should().Be(data.Train.Count, "every item has image features");
        model.TrainedWeights.Should().NotBeNull("the reviews trained the tower");
        model.TextTower!.Path.Should().Be(Path.GetFullPath(Fixtures.TinyRoberta), "the zip names the checkpoint it was trained from");

        var textOnly = new BlairClipContext().Recommenders.BlairClip(Options with { ImageColumn = null, Mode = DualEncoderMode.Text, TextImageWeight = 0, Epochs = 2 }).Fit(data);
        textOnly.OtherModes.Should().BeEmpty("a model without an image modality has only text vectors");
        FluentActions.Invoking(() => textOnly.ItemVectors(DualEncoderMode.Image)).Should().Throw<KeyNotFoundException>();
        FluentActions.Invoking(() => new BlairClipContext().Recommenders.BlairClip(Options with { ImageColumn = null }))
            .Should().Throw<InvalidOptionException>().Which.Option.Should().Be("text_image_weight");
        FluentActions.Invoking(() => new BlairClipContext().Recommenders.BlairClip(new BlairClipOptions { ImageColumn = "I", ReviewMetaWeight = 1 }))
            .Should().Throw<InvalidOptionException>().Where(e => e.Option == "review_meta_weight" && e.Message.Contains("needs text_tower"));
        FluentActions.Invoking(() => new BlairClipContext().Recommenders.BlairClip(Options with { ReviewImageWeight = 1 }).Fit(Catalog()))
            .Should().Throw<InvalidOptionException>().Where(e => e.Option == "review_image_weight" && e.Message.Contains("data.review_text"));
    }

    [Fact]
    public void TextMlp_IsTrainedWithTheHeads_AndRidesInTheZip()
    {
        var model = new BlairClipContext().Recommenders.BlairClip(Options with { FreezeText = true, TextMlp = true }).Fit(Catalog());
        model.EpochLoss[^1].Should().BeLessThan(model.EpochLoss[0]);
        model.TrainedWeights!.Keys.Should().BeEquivalentTo(["heads.text_mlp.weight", "heads.text_mlp.bias"], "the tower is frozen; the MLP trains");
        using var heads = new DualEncoderHeads(16, 11, 8, seed: 1, textMlp: true);
        BlairClip.Towers.Training.ParameterGroups.NoDecayOnBiasAndNorm(heads, 0.01).SelectMany(g => g.Parameters).Should().HaveCount(5);
        var reloaded = EstimatorConformance.Check(new BlairClipContext().Recommenders.BlairClip(Options with { FreezeText = true, TextMlp = true, Epochs = 2 }), Catalog(), TinyData.Small());
        ((BlairClipModel)reloaded.Recommender).TrainedWeights!.Should().ContainKey("heads.text_mlp.weight");
    }

    [Fact]
    public void FrozenTower_IsNotTrained_AndNotInTheOptimizer_LastLayersOnlyTrainsThose()
    {
        using var tower = RobertaModel.FromPretrained(Fixtures.TinyRoberta);
        int all = tower.parameters().Count();
        BlairClipEstimator.Freeze(tower, frozen: true, lastLayers: null);
        using (var heads = new DualEncoderHeads(tower.Config.hidden_size, 11, 8, seed: 1, tower))
            BlairClip.Towers.Training.ParameterGroups.NoDecayOnBiasAndNorm(heads, 0.01).SelectMany(g => g.Parameters).Should().HaveCount(3, "heads only");
        using var tower2 = RobertaModel.FromPretrained(Fixtures.TinyRoberta);
        BlairClipEstimator.Freeze(tower2, frozen: false, lastLayers: 1);
        var trainable = tower2.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToList();
        trainable.Should().NotBeEmpty().And.OnlyContain(n => n.StartsWith($"encoder.layer.{tower2.Config.num_hidden_layers - 1}."));
        trainable.Count.Should().BeLessThan(all);

        var frozen = new BlairClipContext().Recommenders.BlairClip(Options with { FreezeText = true, Epochs = 2 }).Fit(Catalog());
        frozen.TrainedWeights.Should().BeNull("a frozen tower is not saved as fine-tuned weights");
    }

    [Fact]
    public void BothTowers_TinyRobertaAndTinyClipVision_FineTunedEndToEnd()
    {
        // 30 items; three real photos cycled, every fifth item without one (the black image).
        var photos = new[] { "synthetic_portrait_downscale.png", "synthetic_landscape_upscale.png", "synthetic_grayscale_landscape.png" }
            .Select(EncodingSandbox.Fixture).ToArray();
        var data = Catalog().With(new TextColumn("ImagePath", Enumerable.Range(0, Items).Select(i => i % 5 == 4 ? "" : photos[i % 3]).ToArray()));
        var options = Options with { ImageTower = Fixtures.TinyClip, Epochs = 2, BatchSize = 6 };
        var model = new BlairClipContext().Recommenders.BlairClip(options).Fit(data);
        model.EpochLoss.Should().HaveCount(2).And.OnlyContain(l => float.IsFinite(l));
        model.TrainedWeights!.Keys.Should().Contain(k => k.StartsWith("image_tower.")).And.Contain(k => k.StartsWith("text_tower."));
        using var original = BlairClip.Towers.Clip.ClipVisionModelWithProjection.FromPretrained(Fixtures.TinyClip);
        var (name, trained) = model.TrainedWeights!.First(p => p.Key.StartsWith("image_tower.") && p.Key.EndsWith(".weight") && p.Key.Contains("mlp"));
        var before = original.vision_model.named_parameters().Single(p => "image_tower." + p.name == name).parameter.data<float>().ToArray();
        trained.Values.Should().NotEqual(before, "the vision tower itself was trained");

        var frozen = new BlairClipContext().Recommenders.BlairClip(options with { FreezeVision = true, FreezeText = true, Epochs = 1 }).Fit(data);
        frozen.TrainedWeights.Should().BeNull();
    }

    [Fact]
    public void FineTuned_Conformance_ZipRoundTrip_AndFreshMLContext()
    {
        var data = Catalog();
        var reloaded = EstimatorConformance.Check(new BlairClipContext().Recommenders.BlairClip(Options with { Epochs = 2 }), data, TinyData.Small());
        var back = (BlairClipModel)reloaded.Recommender;
        back.TrainedWeights.Should().NotBeNull().And.ContainKey("text_tower.encoder.layer.1.output.dense.weight", "the fine-tuned tower rides in the zip");
    }
}
