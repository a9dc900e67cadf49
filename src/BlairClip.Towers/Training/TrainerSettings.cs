namespace BlairClip.Towers.Training;

/// <summary>Learning-rate decay after the warm-up.</summary>
public enum DecaySchedule
{
    /// <summary>Linear to 0 at the last update.</summary>
    Linear,
    /// <summary>Half cosine to 0 at the last update.</summary>
    Cosine,
}

/// <summary>How <see cref="Trainer"/> runs a training loop. Every value is given by the model that trains (its own
/// options carry the defaults, declared once there), so nothing here has a default of its own.</summary>
public sealed record TrainerSettings
{
    /// <summary>Shown on the progress bar and in error messages (e.g. "BLaIR-CLIP").</summary>
    public required string Name { get; init; }
    /// <summary>What one sample is, in the progress line's rate (e.g. "pairs" for "… 9000 pairs/s").</summary>
    public required string SampleName { get; init; }
    /// <summary>Passes over the objective's batches.</summary>
    public required int Epochs { get; init; }
    /// <summary>Peak AdamW learning rate.</summary>
    public required double LearningRate { get; init; }
    /// <summary>AdamW weight decay on weights of rank ≥ 2 (none on biases, norms and scalars).</summary>
    public required double WeightDecay { get; init; }
    /// <summary>Fraction of the updates spent warming the learning rate up from 0.</summary>
    public required double WarmupRatio { get; init; }
    public required DecaySchedule Schedule { get; init; }
    /// <summary>Gradient L2-norm clip; 0 = none.</summary>
    public required double MaxGradNorm { get; init; }
    /// <summary>Batches whose gradients add up before each optimizer update (and at the end of every epoch).</summary>
    public required int GradientAccumulation { get; init; }
    /// <summary>With a validator: evaluate every N updates (0 = at the end of every epoch).</summary>
    public required int EvalEvery { get; init; }
    /// <summary>With a validator: stop after N evaluations without a better Recall@10 (0 = never).</summary>
    public required int Patience { get; init; }
    /// <summary>Write a checkpoint every N updates (0 = never); needs a checkpoint folder.</summary>
    public required int SaveEvery { get; init; }
    /// <summary>Where the module trains (CPU or a CUDA device).</summary>
    public required Device Device { get; init; }
    /// <summary>float32, or bfloat16 autocast (matmuls in bf16, weights and optimizer state stay float32).</summary>
    public required TowerPrecision Precision { get; init; }
}
