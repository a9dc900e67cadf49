using BlairClip.ML.Core;
using System.Globalization;

namespace BlairClip.Towers.Training;

/// <summary>The training loop every TorchSharp-trained model shares: AdamW (no decay on biases, norms and scalars),
/// linear warm-up then linear or cosine decay, gradient accumulation and clipping, an optional bf16 autocast, a NaN/inf
/// check before backward, progress with loss, learning rate and samples/s, validation every <c>eval_every</c> updates
/// keeping the best weights with early stopping, and checkpoints every <c>save_every</c> updates that a later run
/// resumes from exactly.
/// <para>Exact resume: a checkpoint is taken right after an optimizer update (no gradient pending) and holds the
/// trainable weights, the AdamW state, the position (epoch, batch), the loss sums, the validation curve and the best
/// weights. The learning-rate schedule is a pure function of the update count, so it is stepped forward again; the
/// seeded batch order is replayed (<see cref="ITrainingObjective.BeginEpoch"/> for the epochs already done), so no
/// generator state needs saving. On the CPU a resumed run ends with bit-identical weights to an uninterrupted one.</para></summary>
public sealed class Trainer(TrainerSettings settings, IProgressReporter progress)
{
    /// <summary>Trains <paramref name="objective"/>'s module in place (on <see cref="TrainerSettings.Device"/>), resuming
    /// from the latest checkpoint in <paramref name="checkpoints"/> when it holds one.</summary>
    /// <param name="objective">The module, its batches and their loss.</param>
    /// <param name="seed">Seeds the batch order (through <see cref="ITrainingObjective.BeginEpoch"/>).</param>
    /// <param name="validator">Evaluates every <c>eval_every</c> updates (null: no validation; the last weights are kept).</param>
    /// <param name="checkpoints">This model's checkpoint folder (null: none; then <c>save_every</c> must be 0).</param>
    /// <param name="fingerprint">Describes everything the run depends on (options, data sizes); a checkpoint written
    /// under another fingerprint is refused.</param>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite; the message names the step and the last
    /// good checkpoint.</exception>
    /// <exception cref="InvalidDataException">The checkpoint folder holds a checkpoint of another configuration or a damaged one.</exception>
    public TrainingOutcome Train(ITrainingObjective objective, int seed, ITrainingValidator? validator = null, string? checkpoints = null, string fingerprint = "")
    {
        if (settings.SaveEvery > 0 && checkpoints is null)
            throw new ArgumentException($"{settings.Name}: save_every {settings.SaveEvery} needs a checkpoint folder.", nameof(checkpoints));
        var module = objective.Module;
        int perEpoch = objective.BatchesPerEpoch;
        if (perEpoch == 0 || settings.Epochs == 0) return new([], [], null, 0, 0, 0, null);
        if (settings.Device.type != DeviceType.CPU) module.to(settings.Device);

        int accumulate = settings.GradientAccumulation;
        int updates = settings.Epochs * ((perEpoch + accumulate - 1) / accumulate);
        var trainable = module.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        using var optimizer = torch.optim.AdamW(ParameterGroups.NoDecayOnBiasAndNorm(module, settings.WeightDecay), lr: settings.LearningRate);
        int warmup = (int)Math.Round(settings.WarmupRatio * updates);
        var schedule = settings.Schedule == DecaySchedule.Cosine
            ? WarmupSchedules.Cosine(optimizer, warmup, updates) : WarmupSchedules.Linear(optimizer, warmup, updates);

        var state = new TrainingState();
        string? lastCheckpoint = null;
        if (checkpoints is not null && TrainingCheckpoint.Latest(checkpoints) is { } found)
        {
            state = TrainingCheckpoint.Load(found, fingerprint, trainable, optimizer);
            lastCheckpoint = found;
            for (int u = 0; u < state.Update; u++) schedule.step();
        }
        int? resumedFrom = lastCheckpoint is null ? null : state.Update;
        var rng = new Random(seed);
        for (int e = 0; e < state.Epoch; e++) objective.BeginEpoch(e, rng);

        using var accumulation = ((double)accumulate).ToScalar();
        using var task = progress.Start($"{settings.Name} steps", (long)perEpoch * settings.Epochs);
        int startEpoch = state.Epoch, startBatch = state.Batch;
        if (startEpoch * perEpoch + startBatch > 0) task.Advance(startEpoch * perEpoch + startBatch);
        var clock = new System.Diagnostics.Stopwatch();
        optimizer.zero_grad();
        bool stop = false;
        for (int epoch = startEpoch; epoch < settings.Epochs && !stop; epoch++)
        {
            objective.BeginEpoch(epoch, rng);
            for (int s = epoch == startEpoch ? startBatch : 0; s < perEpoch; s++)
            {
                clock.Start();
                bool endOfEpoch = s == perEpoch - 1;
                bool updateNow = (s + 1) % accumulate == 0 || endOfEpoch;
                bool counted = Step(objective, s, accumulate == 1 ? null : accumulation, state, epoch, lastCheckpoint);
                task.Advance();
                if (updateNow)
                {
                    if (settings.MaxGradNorm > 0) nn.utils.clip_grad_norm_(module.parameters(), settings.MaxGradNorm);
                    optimizer.step();
                    schedule.step();
                    optimizer.zero_grad();
                    state.Update++;
                }
                clock.Stop();
                bool report = counted && updateNow;
                if (report && (state.Update % 10 == 0 || endOfEpoch))
                    task.Describe(string.Create(CultureInfo.InvariantCulture,
                        $"epoch {epoch + 1}/{settings.Epochs}, loss {state.EpochMean:F3}, lr {optimizer.ParamGroups.First().LearningRate:G3}, {state.Samples / Math.Max(1e-9, state.Seconds + clock.Elapsed.TotalSeconds):F0} {settings.SampleName}/s"));
                if (report && validator is not null && (settings.EvalEvery > 0 ? state.Update % settings.EvalEvery == 0 : endOfEpoch))
                    stop = Validate(validator, trainable, state);
                if (endOfEpoch) state.CloseEpoch();
                if (updateNow && !stop && settings.SaveEvery > 0 && state.Update % settings.SaveEvery == 0)
                {
                    (state.Epoch, state.Batch) = endOfEpoch ? (epoch + 1, 0) : (epoch, s + 1);
                    lastCheckpoint = TrainingCheckpoint.Save(checkpoints!, state with { Seconds = state.Seconds + clock.Elapsed.TotalSeconds }, fingerprint, trainable, optimizer);
                }
                if (stop) break;
            }
        }
        if (stop && state.EpochCount > 0) state.CloseEpoch();
        if (state.Best is not null) TrainingCheckpoint.CopyInto(trainable, state.Best);
        return new TrainingOutcome([.. state.EpochLoss], state.Curve, state.BestStep, state.Update, state.Samples, state.Seconds + clock.Elapsed.TotalSeconds, resumedFrom);
    }

    /// <summary>Forward and backward of one batch (gradients add up until the update); false when the batch was empty.</summary>
    private bool Step(ITrainingObjective objective, int batch, Scalar? accumulation, TrainingState state, int epoch, string? lastCheckpoint)
    {
        using var noGc = NoGcRegion.Enter();
        using var scope = torch.NewDisposeScope();
        using var autocast = settings.Precision == TowerPrecision.Bf16 ? new Autocast(settings.Device.type, ScalarType.BFloat16) : null;
        if (objective.Loss(batch) is not { } result) return false;
        state.Samples += result.Samples;
        float value = result.Loss.item<float>();
        if (!float.IsFinite(value))
            throw new TrainingDivergedException($"{settings.Name}: the loss is {value} at step {state.Update + 1} (epoch {epoch + 1}, batch {batch + 1}); "
                + (lastCheckpoint is null ? "no checkpoint was written before it" : $"the last good checkpoint is {lastCheckpoint}")
                + ". Lower learning_rate, or check the feature columns for NaN/inf.");
        autocast?.Dispose();
        (accumulation is null ? result.Loss : result.Loss.div(accumulation)).backward();
        state.Add(value);
        return true;
    }

    /// <summary>One evaluation; keeps the weights of the best Recall@10 (earliest on ties); true when patience is spent.</summary>
    private bool Validate(ITrainingValidator validator, List<(string name, TorchSharp.Modules.Parameter parameter)> trainable, TrainingState state)
    {
        var (loss, recall) = validator.Evaluate();
        state.Curve.Add(new ValidationPoint(state.Update, state.SinceEvalMean, loss, recall));
        state.SinceEvalSum = 0; state.SinceEvalCount = 0;
        if (state.BestStep is null || recall > state.Curve.Single(p => p.Step == state.BestStep).RecallAt10)
        {
            state.BestStep = state.Update;
            state.Best = trainable.Select(p => TrainingCheckpoint.Values(p.parameter)).ToArray();
            state.SinceBest = 0;
            return false;
        }
        state.SinceBest++;
        return settings.Patience > 0 && state.SinceBest >= settings.Patience;
    }
}

/// <summary>Everything about a training loop's progress that a checkpoint keeps (besides weights and optimizer state).</summary>
internal sealed record TrainingState
{
    /// <summary>Optimizer updates taken.</summary>
    public int Update { get; set; }
    /// <summary>Position of the next batch: epoch and batch within it.</summary>
    public int Epoch { get; set; }
    public int Batch { get; set; }
    public long Samples { get; set; }
    public double Seconds { get; set; }
    public double EpochSum { get; set; }
    public int EpochCount { get; set; }
    public List<float> EpochLoss { get; init; } = [];
    public double SinceEvalSum { get; set; }
    public int SinceEvalCount { get; set; }
    public List<ValidationPoint> Curve { get; init; } = [];
    public int? BestStep { get; set; }
    public int SinceBest { get; set; }
    /// <summary>The best evaluation's trainable weights, in <c>named_parameters</c> order.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public float[][]? Best { get; set; }

    [System.Text.Json.Serialization.JsonIgnore]
    public double EpochMean => EpochSum / Math.Max(1, EpochCount);
    [System.Text.Json.Serialization.JsonIgnore]
    public double SinceEvalMean => SinceEvalSum / Math.Max(1, SinceEvalCount);

    public void Add(float loss)
    {
        EpochSum += loss; EpochCount++;
        SinceEvalSum += loss; SinceEvalCount++;
    }

    public void CloseEpoch()
    {
        EpochLoss.Add(EpochCount == 0 ? float.NaN : (float)(EpochSum / EpochCount));
        EpochSum = 0; EpochCount = 0;
    }
}
