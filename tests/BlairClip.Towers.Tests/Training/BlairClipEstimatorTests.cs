using BlairClip.ML.Core;
using BlairClip.ML.Evaluation;
using BlairClip.ML.Tests.Conformance;
using BlairClip.Towers.DualEncoder;
using FluentAssertions;

namespace BlairClip.Towers.Tests.Training;

/// <summary>BLaIR-CLIP over frozen feature modalities on a synthetic catalog where an item's text and image features
/// are two noisy random views of one hidden vector, and users walk from item k to item k + 1.</summary>
public sealed class BlairClipEstimatorTests
{
    private const int Items = 60, TextDim = 24, ImageDim = 12;

    internal static (RecDataset Data, float[] Text, float[] Image) Catalog(int seed = 3)
    {
        var rng = new Random(seed);
        float N() => (float)(rng.NextDouble() * 2 - 1);
        var hidden = Enumerable.Range(0, Items * 8).Select(_ => N()).ToArray();
        var mixT = Enumerable.Range(0, 8 * TextDim).Select(_ => N()).ToArray();
        var mixI = Enumerable.Range(0, 8 * ImageDim).Select(_ => N()).ToArray();
        float[] View(float[] mix, int dim) => Enumerable.Range(0, Items * dim).Select(k =>
        {
            int item = k / dim, c = k % dim;
            float v = 0;
            for (int h = 0; h < 8; h++) v += hidden[item * 8 + h] * mix[h * dim + c];
            return v + 0.1f * N();
        }).ToArray();
        var text = View(mixT, TextDim);
        var image = View(mixI, ImageDim);
        var ids = Enumerable.Range(0, Items).Select(i => $"i{i}").ToArray();
        // 20 users, each buys 4 consecutive items: items 0..41 are bought, 42..59 never are.
        var pairs = Enumerable.Range(0, 20).SelectMany(u => Enumerable.Range(0, 4).Select(t => ($"u{u}", ids[(2 * u + t) % Items]))).ToList();
        var data = TinyData.Build(pairs, ids.ToDictionary(i => i, i => "text " + i))
            .With(new DenseColumn("T", TextDim, text), new DenseColumn("I", ImageDim, image));
        return (data, text, image);
    }

    internal static BlairClipOptions Options => new()
    {
        TextColumn = "T", ImageColumn = "I", ProjectionDim = 8, Epochs = 40, BatchSize = 16, LearningRate = 0.01, Seed = 5,
    };

    [Fact]
    public void Fit_LossFalls_AndHeldOutPairsAreRetrievedFarAboveChance()
    {
        var (data, text, image) = Catalog();
        var model = new BlairClipContext().Recommenders.BlairClip(Options with { NextItemWeight = 0 }).Fit(data);
        model.EpochLoss[^1].Should().BeLessThan(model.EpochLoss[0] * 0.6f, "training must lower the contrastive loss");
        model.TextImagePairs.Should().Be(data.Train.Item.Distinct().Count());
        // Items that never occur in training (so never in a text_image pair): retrieve each one's image from its text
        // among all of them with the trained heads.
        var train = data.Train.Item.ToHashSet();
        var heldOut = Enumerable.Range(0, Items).Where(i => !train.Contains(i)).ToArray();
        heldOut.Length.Should().BeGreaterThan(5);
        var t = Project(model.TextProjection, text, TextDim, model.ProjectionDim);
        var v = Project(model.VisualProjection, image, ImageDim, model.ProjectionDim);
        int hits = heldOut.Count(i => heldOut.MaxBy(j => Dot(t[i], v[j])) == i);
        hits.Should().BeGreaterThan(heldOut.Length / 2, $"chance is 1 in {heldOut.Length}");

        var untrained = new BlairClipContext().Recommenders.BlairClip(Options with { NextItemWeight = 0, Epochs = 0 }).Fit(data);
        var t0 = Project(untrained.TextProjection, text, TextDim, model.ProjectionDim);
        var v0 = Project(untrained.VisualProjection, image, ImageDim, model.ProjectionDim);
        heldOut.Count(i => heldOut.MaxBy(j => Dot(t0[i], v0[j])) == i).Should().BeLessThan(hits, "the gain comes from training");
    }

    /// <summary>normalize(W · normalize(x)) for every item (the estimator's item vectors).</summary>
    private static float[][] Project(ReadOnlySpan<float> w, float[] features, int dim, int projection)
    {
        var result = new float[Items][];
        for (int i = 0; i < Items; i++)
        {
            var x = features.AsSpan(i * dim, dim).ToArray();
            var nx = MathF.Sqrt(x.Sum(v => v * v));
            var y = new float[projection];
            for (int p = 0; p < projection; p++)
                for (int c = 0; c < dim; c++) y[p] += w[p * dim + c] * x[c] / nx;
            var ny = MathF.Sqrt(y.Sum(v => v * v));
            result[i] = y.Select(v => v / ny).ToArray();
        }
        return result;
    }

    private static float Dot(float[] a, float[] b) => a.Zip(b, (x, y) => x * y).Sum();

    [Fact]
    public void Fit_BothObjectives_SameSeedSameWeights_OnlyTheHeadsAreTrained()
    {
        var (data, _, _) = Catalog();
        var i0 = new BlairClipContext().Recommenders.BlairClip(Options with { Epochs = 0 }).Fit(data);
        var i1 = new BlairClipContext().Recommenders.BlairClip(Options with { Epochs = 0 }).Fit(data);
        i0.TextProjection.ToArray().Should().Equal(i1.TextProjection.ToArray(), "same seed, same initial weights");
        var a = new BlairClipContext().Recommenders.BlairClip(Options with { Epochs = 5 }).Fit(data);
        var b = new BlairClipContext().Recommenders.BlairClip(Options with { Epochs = 5 }).Fit(data);
        // Bit for bit on the CPU. (Before each step ran in a no-GC region, TorchSharp's implicit Scalars were sometimes
        // freed mid-call and the weights differed in the last bits from run to run.)
        a.EpochLoss.Should().Equal(b.EpochLoss, "same seed, same batches, same losses");
        a.TextProjection.ToArray().Should().Equal(b.TextProjection.ToArray(), "same seed, same weights");
        a.VisualProjection.ToArray().Should().Equal(b.VisualProjection.ToArray(), "same seed, same weights");
        a.NextItemPairs.Should().Be(20 * 3, "4 consecutive distinct items per user: 3 transitions");
        var heads = new DualEncoderHeads(TextDim, ImageDim, 8, seed: 1);
        BlairClip.Towers.Training.ParameterGroups.NoDecayOnBiasAndNorm(heads, 0.01).SelectMany(g => g.Parameters).Should().HaveCount(3,
            "the optimizer holds the two projections and the logit scale; the frozen features are plain tensors");
    }

    [Fact]
    public void Conformance_ZipRoundTrip_AndFreshMLContext_IdenticalScores()
    {
        var (data, text, image) = Catalog();
        var reloaded = EstimatorConformance.Check(new BlairClipContext().Recommenders.BlairClip(Options with { Epochs = 3 }), data, TinyData.Small());
        var model = (BlairClipModel)reloaded.Recommender;
        model.EpochLoss.Should().HaveCount(3);
        // Every mode's item vectors ride in the zip: text and image are normalize(W · normalize(x)) of the saved heads.
        model.OtherModes.Keys.Should().BeEquivalentTo([DualEncoderMode.Text, DualEncoderMode.Image]);
        model.ItemVectors(DualEncoderMode.Text).Should().Equal(Project(model.TextProjection, text, TextDim, model.ProjectionDim).SelectMany(v => v),
            (a, b) => Math.Abs(a - b) < 1e-5f);
        model.ItemVectors(DualEncoderMode.Image).Should().Equal(Project(model.VisualProjection, image, ImageDim, model.ProjectionDim).SelectMany(v => v),
            (a, b) => Math.Abs(a - b) < 1e-5f);
        model.ItemVectors(DualEncoderMode.Combined).Should().HaveCount(Items * model.ProjectionDim);
        model.TextTower.Should().BeNull("trained from frozen columns");
    }

    [Fact]
    public void Fit_WithValidation_KeepsTheBestWeights_AndStopsAfterPatience()
    {
        var (data, _, _) = Catalog();
        // Each user's next item in the walk (2u + 4) is the validation item.
        var users = Enumerable.Range(0, data.Users.Count).ToArray();
        var validationItems = users.Select(u => data.Items.IndexOf($"i{(2 * int.Parse(data.Users[u][1..]) + 4) % Items}")).ToArray();
        var validation = new Interactions(users, validationItems, users.Select(_ => 1000L).ToArray(), users.Select(_ => float.NaN).ToArray());
        var withValidation = new RecDataset(data.Users, data.Items, data.ItemTable, data.Train, validation);
        var model = new BlairClipContext().Recommenders.BlairClip(Options with { Epochs = 300, Patience = 3, LearningRate = 0.05 }).Fit(withValidation);

        model.Validation.Should().NotBeEmpty();
        model.EpochLoss.Count.Should().BeLessThan(300, "patience 3 stops the run once validation Recall@10 stops improving")
            .And.Be(model.Validation.Count, "one evaluation per epoch (eval_every 0)");
        var best = model.Validation.MaxBy(p => p.RecallAt10)!;
        model.Validation.Skip(model.Validation.ToList().IndexOf(best) + 1).Should().HaveCount(3, "it stopped 3 evaluations after the best");
        // The saved model is the best one: its validation Recall@10 is the best point's.
        var cases = users.Select(u => new BlairClip.ML.Split.HeldOutItem(u, validationItems[u], 1000)).ToArray();
        var recall = new BlairClipContext().Evaluation.Ranking(new BlairClip.ML.Evaluation.RankingEvaluationOptions { Metrics = ["Recall@10"] })
            .Evaluate(model, cases, data.TrainHistories).Metrics["Recall@10"];
        recall.Should().Be(best.RecallAt10);
        model.Validation.Should().OnlyContain(p => double.IsFinite(p.Loss) && double.IsFinite(p.TrainLoss));
        var report = model.TrainingReport();
        report["validation"]!.AsArray().Should().HaveCount(model.Validation.Count, "run.json carries the validation curve");
        report["epoch_loss"]!.AsArray().Should().HaveCount(model.EpochLoss.Count);
    }

    [Fact]
    public void GradientAccumulation_UpdatesEveryKBatches_AndStillLearns()
    {
        var (data, _, _) = Catalog();
        var one = new BlairClipContext().Recommenders.BlairClip(Options with { Epochs = 10 }).Fit(data);
        var two = new BlairClipContext().Recommenders.BlairClip(Options with { Epochs = 10, GradientAccumulation = 2 }).Fit(data);
        // 60 next-item pairs in batches of 16: 4 batches per epoch → 4 updates, or 2 with accumulation 2.
        (one.Throughput.Steps, two.Throughput.Steps).Should().Be((40, 20));
        two.EpochLoss[^1].Should().BeLessThan(two.EpochLoss[0]);
        FluentActions.Invoking(() => new BlairClipContext().Recommenders.BlairClip(Options with { GradientAccumulation = 0 }))
            .Should().Throw<InvalidOptionException>().Which.Option.Should().Be("gradient_accumulation");
    }

    [Fact]
    public void Progress_ShowsLossLearningRateAndPairsPerSecond()
    {
        var (data, _, _) = Catalog();
        var progress = new Describing();
        new BlairClipContext(progress: progress).Recommenders.BlairClip(Options with { Epochs = 3 }).Fit(data);
        progress.Stage.Should().Be("BLaIR-CLIP steps");
        progress.Statuses.Should().NotBeEmpty();
        progress.Statuses[^1].Should().MatchRegex(@"^epoch 3/3, loss \d+\.\d{3}, lr [0-9.eE+-]+, \d+ pairs/s$");
    }

    private sealed class Describing : IProgressReporter, IProgressTask
    {
        public string? Stage { get; private set; }
        public List<string> Statuses { get; } = [];
        public IProgressTask Start(string stage, long total) { Stage ??= stage; return this; }
        public void Advance(long steps = 1) { }
        public void Describe(string status) => Statuses.Add(status);
        public void Dispose() { }
    }

    [Fact]
    public void Fit_NaNFeature_StopsNamingTheStep()
    {
        var (data, text, _) = Catalog();
        var bad = (float[])text.Clone();
        bad[0] = float.NaN;
        var poisoned = data.With(new DenseColumn("T", TextDim, bad));
        FluentActions.Invoking(() => new BlairClipContext().Recommenders.BlairClip(Options with { Epochs = 2 }).Fit(poisoned))
            .Should().Throw<BlairClip.Towers.Training.TrainingDivergedException>().WithMessage("BLaIR-CLIP: the loss is NaN at step 1 (epoch 1, batch 1)*");
    }
}
