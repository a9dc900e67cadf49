using BlairClip.ML.Core;
using BlairClip.Towers.DualEncoder;
using BlairClip.Towers.Training;
using BlairClip.ML.Tests.Data;
using FluentAssertions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlairClip.Towers.Tests.Training;

/// <summary>The shared training loop: exact resume from checkpoints (BLaIR-CLIP and a BPR objective), NaN handling
/// that keeps the last good checkpoint, configuration checks, and bf16 autocast.</summary>
public sealed class TrainerTests : IDisposable
{
    private readonly TestFiles _files = new();
    private string Dir => _files.Dir;

    public void Dispose() => _files.Dispose();

    private static TrainerSettings Settings(int epochs = 6, int saveEvery = 0) => new()
    {
        Name = "test", SampleName = "samples", Epochs = epochs, LearningRate = 0.05, WeightDecay = 0.01, WarmupRatio = 0.2,
        Schedule = DecaySchedule.Cosine, MaxGradNorm = 1.0, GradientAccumulation = 1, EvalEvery = 0, Patience = 0, SaveEvery = saveEvery,
        Device = torch.CPU, Precision = TowerPrecision.Float32,
    };

    [Theory]
    [InlineData(7)]   // mid-epoch, mid-accumulation
    [InlineData(16)]  // right after an epoch's last batch
    [InlineData(30)]  // late, after several validations
    public void BlairClip_ResumedAfterACrash_EndsWithBitIdenticalWeights(int crashAfterBatches)
    {
        var data = WithValidation(BlairClipEstimatorTests.Catalog().Data);
        var options = BlairClipEstimatorTests.Options with { Epochs = 10, GradientAccumulation = 2, EvalEvery = 3, SaveEvery = 2 };

        var reference = new BlairClipContext().Recommenders.BlairClip(options with { SaveEvery = 0 }).Fit(data);

        var crashing = new BlairClipContext(progress: new CrashAfter(crashAfterBatches));
        crashing.Checkpoints.Root = Dir;
        FluentActions.Invoking(() => crashing.Recommenders.BlairClip(options).Fit(data)).Should().Throw<Crash>();
        TrainingCheckpoint.Latest(Dir).Should().NotBeNull("checkpoints were written before the crash");

        var resuming = new BlairClipContext();
        resuming.Checkpoints.Root = Dir;
        var resumed = resuming.Recommenders.BlairClip(options).Fit(data);
        resuming.Report.Contains("blair_clip_resumed_from_step").Should().BeTrue();

        resumed.TextProjection.ToArray().Should().Equal(reference.TextProjection.ToArray(), "weights are bit-identical");
        resumed.VisualProjection.ToArray().Should().Equal(reference.VisualProjection.ToArray());
        resumed.LogitScale.Should().Be(reference.LogitScale);
        resumed.EpochLoss.Should().Equal(reference.EpochLoss);
        resumed.Validation.Should().Equal(reference.Validation, "the validation curve and the best weights survive the crash");
        (resumed.Throughput.Steps, resumed.Throughput.Pairs).Should().Be((reference.Throughput.Steps, reference.Throughput.Pairs));
    }

    [Fact]
    public void BprObjective_TrainsOnTheSameLoop_AndResumesExactly()
    {
        var reference = new TinyBpr();
        var outcome = new Trainer(Settings(), NullProgress.Instance).Train(reference, seed: 3);
        outcome.EpochLoss[^1].Should().BeLessThan(outcome.EpochLoss[0] * 0.7f, "the BPR loss falls");
        reference.TrainingAuc().Should().BeGreaterThan(0.85);

        var crashed = new TinyBpr();
        FluentActions.Invoking(() => new Trainer(Settings(saveEvery: 5), new CrashAfter(13)).Train(crashed, seed: 3, checkpoints: Dir))
            .Should().Throw<Crash>();
        var resumed = new TinyBpr();
        var again = new Trainer(Settings(saveEvery: 5), NullProgress.Instance).Train(resumed, seed: 3, checkpoints: Dir);
        again.ResumedFrom.Should().Be(10);
        resumed.Weights().Should().Equal(reference.Weights());
        again.EpochLoss.Should().Equal(outcome.EpochLoss);
    }

    [Fact]
    public void NaNLoss_StopsNamingTheStep_AndKeepsTheLastGoodCheckpoint()
    {
        var poisoned = new TinyBpr { NaNAtEpoch = 3 };
        var run = () => new Trainer(Settings(saveEvery: 2), NullProgress.Instance).Train(poisoned, seed: 3, checkpoints: Dir);
        // 4 batches per epoch: the NaN is the first batch of epoch 3, i.e. step 9; the last checkpoint is step 8.
        run.Should().Throw<TrainingDivergedException>().WithMessage("test: the loss is NaN at step 9 (epoch 3, batch 1); the last good checkpoint is *step-00000008*");
        var last = TrainingCheckpoint.Latest(Dir);
        Path.GetFileName(last).Should().Be("step-00000008");

        var healthy = new TinyBpr();
        new Trainer(Settings(saveEvery: 2), NullProgress.Instance).Train(healthy, seed: 3, checkpoints: Dir).ResumedFrom.Should().Be(8,
            "after fixing the cause, the run continues from the last good checkpoint");
    }

    [Fact]
    public void Checkpoint_OfAnotherConfiguration_IsRefused_NamingTheFolder()
    {
        new Trainer(Settings(saveEvery: 4), NullProgress.Instance).Train(new TinyBpr(), seed: 3, checkpoints: Dir, fingerprint: "lr 0.05");
        FluentActions.Invoking(() => new Trainer(Settings(saveEvery: 4), NullProgress.Instance).Train(new TinyBpr(), seed: 3, checkpoints: Dir, fingerprint: "lr 0.1"))
            .Should().Throw<InvalidDataException>().WithMessage($"Cannot resume from checkpoint {Dir}*step-*different configuration*lr 0.05*lr 0.1*");
        FluentActions.Invoking(() => new Trainer(Settings(saveEvery: 4), NullProgress.Instance).Train(new TinyBpr(), seed: 3))
            .Should().Throw<ArgumentException>().WithMessage("test: save_every 4 needs a checkpoint folder*");
        FluentActions.Invoking(() => new BlairClipContext().Recommenders.BlairClip(BlairClipEstimatorTests.Options with { SaveEvery = 5 }))
            .Should().Throw<ML.Core.InvalidOptionException>().Which.Option.Should().Be("save_every");
    }

    [Fact]
    public void Bf16_TrainsUnderAutocast_WeightsStayFloat32()
    {
        var bpr = new TinyBpr();
        var outcome = new Trainer(Settings() with { Precision = TowerPrecision.Bf16 }, NullProgress.Instance).Train(bpr, seed: 3);
        bpr.SawAutocast.Should().BeTrue("every loss is computed inside a bf16 autocast region");
        bpr.ScoreDtype.Should().Be(ScalarType.BFloat16, "matmul-class ops run in bf16 under autocast");
        bpr.users.dtype.Should().Be(ScalarType.Float32);
        Autocast.IsEnabled(DeviceType.CPU).Should().BeFalse("the region ends with the step");
        outcome.EpochLoss[^1].Should().BeLessThan(outcome.EpochLoss[0]);

        var data = BlairClipEstimatorTests.Catalog().Data;
        var model = new BlairClipContext().Recommenders.BlairClip(BlairClipEstimatorTests.Options with { Epochs = 10, Dtype = TowerPrecision.Bf16 }).Fit(data);
        model.EpochLoss[^1].Should().BeLessThan(model.EpochLoss[0]);
    }

    private static RecDataset WithValidation(RecDataset data)
    {
        var users = Enumerable.Range(0, data.Users.Count).ToArray();
        var items = users.Select(u => (u * 7 + 3) % data.Items.Count).ToArray();
        return new RecDataset(data.Users, data.Items, data.ItemTable, data.Train,
            new Interactions(users, items, users.Select(_ => 1000L).ToArray(), users.Select(_ => float.NaN).ToArray()));
    }

    /// <summary>BPR matrix factorisation as a trainer objective: 24 users in 4 taste groups, each with 5 positives in
    /// its group; one negative per positive from the other groups, drawn per epoch from the trainer's stream.</summary>
    private sealed class TinyBpr : nn.Module, ITrainingObjective
    {
        private const int Users = 24, Items = 40, Dim = 8, Batch = 30;
#pragma warning disable IDE1006
        public readonly Parameter users, items;
#pragma warning restore IDE1006
        private readonly (int U, int I)[] _positives;
        private (int U, int I, int J)[] _epoch = [];
        private int _epochIndex;

        public TinyBpr() : base(nameof(TinyBpr))
        {
            var rng = new Random(11);
            users = new Parameter(torch.tensor(Enumerable.Range(0, Users * Dim).Select(_ => (float)(rng.NextDouble() - 0.5) * 0.2f).ToArray(), [Users, Dim]));
            items = new Parameter(torch.tensor(Enumerable.Range(0, Items * Dim).Select(_ => (float)(rng.NextDouble() - 0.5) * 0.2f).ToArray(), [Items, Dim]));
            _positives = Enumerable.Range(0, Users).SelectMany(u => Enumerable.Range(0, 5).Select(k => (u, (u % 4) + 4 * ((u + k * 3) % 10)))).ToArray();
            RegisterComponents();
        }

        public int? NaNAtEpoch { get; init; }
        public bool SawAutocast { get; private set; }
        public ScalarType? ScoreDtype { get; private set; }

        public nn.Module Module => this;
        public int BatchesPerEpoch => (_positives.Length + Batch - 1) / Batch;

        public void BeginEpoch(int epoch, Random rng)
        {
            _epochIndex = epoch;
            var order = ((int U, int I)[])_positives.Clone();
            rng.Shuffle(order);
            _epoch = order.Select(p =>
            {
                int j;
                do j = rng.Next(Items); while (j % 4 == p.U % 4);
                return (p.U, p.I, j);
            }).ToArray();
        }

        public (Tensor Loss, long Samples)? Loss(int batch)
        {
            var rows = _epoch.Skip(batch * Batch).Take(Batch).ToArray();
            var u = users.index_select(0, torch.tensor(rows.Select(r => (long)r.U).ToArray()));
            var i = items.index_select(0, torch.tensor(rows.Select(r => (long)r.I).ToArray()));
            var j = items.index_select(0, torch.tensor(rows.Select(r => (long)r.J).ToArray()));
            SawAutocast |= Autocast.IsEnabled(DeviceType.CPU);
            var scores = u.matmul(i.t());
            ScoreDtype = scores.dtype;
            var diff = (u * i).sum(1) - (u * j).sum(1);
            var loss = -nn.functional.logsigmoid(diff).mean();
            if (NaNAtEpoch == _epochIndex + 1 && batch == 0) loss = loss * float.NaN;
            return (loss, rows.Length);
        }

        public float[] Weights() => [.. users.data<float>().ToArray(), .. items.data<float>().ToArray()];

        /// <summary>Share of (positive, other-group item) pairs each user ranks the right way round.</summary>
        public double TrainingAuc()
        {
            using var _ = torch.no_grad();
            var s = users.matmul(items.t()).data<float>().ToArray();
            long right = 0, all = 0;
            foreach (var (u, i) in _positives)
                for (int j = 0; j < Items; j++)
                    if (j % 4 != u % 4) { all++; if (s[u * Items + i] > s[u * Items + j]) right++; }
            return (double)right / all;
        }
    }
}
