namespace BlairClip.Towers.Training;

/// <summary>What <see cref="Trainer"/> trains: a module and, per epoch, a fixed number of batches with a loss each.
/// The dual encoder is one; a BPR or VBPR objective over embedding tables is another (the trainer does not care).</summary>
public interface ITrainingObjective
{
    /// <summary>The module whose parameters with <c>requires_grad</c> the optimizer updates (and checkpoints keep).</summary>
    nn.Module Module { get; }

    /// <summary>Batches in every epoch (0: nothing to train).</summary>
    int BatchesPerEpoch { get; }

    /// <summary>Called at the start of epoch <paramref name="epoch"/> with the trainer's seeded stream (shuffle here).
    /// On resume the trainer replays it for the epochs already done, so it must draw from <paramref name="rng"/> the
    /// same way whatever happened in training.</summary>
    void BeginEpoch(int epoch, Random rng);

    /// <summary>The loss of batch <paramref name="batch"/> of the current epoch (a 0-dim tensor in the caller's dispose
    /// scope) and the samples it covered; null when the batch is empty.</summary>
    (Tensor Loss, long Samples)? Loss(int batch);
}

/// <summary>Evaluates the module as it is now on held-out data (called by <see cref="Trainer"/> every
/// <c>eval_every</c> updates; the trainer keeps the best weights and applies the patience).</summary>
public interface ITrainingValidator
{
    /// <returns>The validation loss (NaN when there is none) and the validation Recall@10 (higher is better).</returns>
    (double Loss, double RecallAt10) Evaluate();
}

/// <summary>One evaluation on the validation split during training.</summary>
/// <param name="Step">Optimizer updates taken so far.</param>
/// <param name="TrainLoss">Mean training loss since the previous evaluation.</param>
/// <param name="Loss">Validation loss (the objective's own, on validation pairs).</param>
/// <param name="RecallAt10">Validation Recall@10 through the shared evaluator (training history masked).</param>
public sealed record ValidationPoint(int Step, double TrainLoss, double Loss, double RecallAt10);

/// <summary>What one <see cref="Trainer.Train"/> produced, besides the trained module.</summary>
/// <param name="EpochLoss">Mean training loss of every epoch run (the last one partial when training stopped early).</param>
/// <param name="Validation">Every evaluation, in order.</param>
/// <param name="BestStep">The update whose weights were kept (null without a validator).</param>
/// <param name="Steps">Optimizer updates taken.</param>
/// <param name="Samples">Samples the batches covered.</param>
/// <param name="Seconds">Seconds in training steps (validation and checkpoints excluded; summed across resumes).</param>
/// <param name="ResumedFrom">The update of the checkpoint training resumed from (null: from scratch).</param>
public sealed record TrainingOutcome(float[] EpochLoss, IReadOnlyList<ValidationPoint> Validation, int? BestStep, int Steps, long Samples,
    double Seconds, int? ResumedFrom);

/// <summary>Training stopped because it cannot go on (a NaN or infinite loss); the message names the step and the
/// last good checkpoint, if any.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
