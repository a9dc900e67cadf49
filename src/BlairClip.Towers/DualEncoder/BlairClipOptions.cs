using BlairClip.Towers.Training;

namespace BlairClip.Towers.DualEncoder;

/// <summary>Which item vectors a trained dual encoder scores with.</summary>
public enum DualEncoderMode
{
    /// <summary>The projected text vectors.</summary>
    Text,
    /// <summary>The projected image vectors.</summary>
    Image,
    /// <summary>Per item, the L2-normalised sum of its projected text and image vectors.</summary>
    Combined,
}

/// <summary>Options of <see cref="BlairClipEstimator"/>.</summary>
public sealed record BlairClipOptions
{
    /// <summary>(string) Text modality: a vector item column (dense or sparse: TF-IDF rows, text-tower embeddings), frozen.</summary>
    public string TextColumn { get; init; } = "Features";
    /// <summary>(string?) A RoBERTa/BLaIR checkpoint folder (relative to the study): the text modality is then that tower's
    /// CLS vector of <c>text_input_column</c>, trained with the heads unless <c>freeze_text</c>; null = the frozen
    /// <c>text_column</c> vectors.</summary>
    public string? TextTower { get; init; }
    /// <summary>(string) With <c>text_tower</c>: the item text column it reads.</summary>
    public string TextInputColumn { get; init; } = "Text";
    /// <summary>(bool) With <c>text_tower</c>: keep its weights fixed (only the heads train).</summary>
    public bool FreezeText { get; init; } = false;
    /// <summary>(int?) With <c>text_tower</c>: train only its last N encoder layers (and the heads); null = all layers.</summary>
    public int? TrainLastLayers { get; init; }
    /// <summary>(string?) A CLIP checkpoint folder (relative to the study): the image modality is then its vision tower's
    /// pooled state of the item photo (<c>image_input_column</c>), trained with the heads unless <c>freeze_vision</c>;
    /// null = the frozen <c>image_column</c> vectors.</summary>
    public string? ImageTower { get; init; }
    /// <summary>(string) With <c>image_tower</c>: the item image path column ("" = no photo: the black image).</summary>
    public string ImageInputColumn { get; init; } = "ImagePath";
    /// <summary>(bool) With <c>image_tower</c>: keep its weights fixed.</summary>
    public bool FreezeVision { get; init; } = false;
    /// <summary>(string?) Image modality: a vector item column (e.g. precomputed MobileNet features), frozen. Items whose
    /// presence flag (<c>COLUMN_present</c>) is 0 are left out of text–image pairs. Null (and no <c>image_tower</c>): no
    /// image modality — text-only training (BLaIR's review ↔ meta, next_item over the text vectors), <c>mode: text</c>.</summary>
    public string? ImageColumn { get; init; } = "image_features";
    /// <summary>(int) Dimension of the shared space both projections map to.</summary>
    public int ProjectionDim { get; init; } = 512;
    /// <summary>(float) Weight of the item text ↔ item image InfoNCE (0 = off).</summary>
    public float TextImageWeight { get; init; } = 1f;
    /// <summary>(float) Weight of the next-item InfoNCE: the combined vector of a user's training item t ↔ item t+1 (0 = off).</summary>
    public float NextItemWeight { get; init; } = 1f;
    /// <summary>(float) Weight of the review ↔ item image InfoNCE: a training review's text (through <c>text_tower</c>) ↔
    /// its item's image (0 = off; needs <c>text_tower</c> and the data's review texts).</summary>
    public float ReviewImageWeight { get; init; } = 0f;
    /// <summary>(float) Weight of the review ↔ item meta text InfoNCE, BLaIR's own objective (0 = off; needs
    /// <c>text_tower</c> and the data's review texts, e.g. Amazon's <c>data.review_text: [title, text]</c>).</summary>
    public float ReviewMetaWeight { get; init; } = 0f;
    /// <summary>(bool) A SimCSE-style MLP (dense + tanh, trained with the heads) on the text features before the text
    /// projection.</summary>
    public bool TextMlp { get; init; } = false;
    /// <summary>(int) Passes over the largest pair set.</summary>
    public int Epochs { get; init; } = 30;
    /// <summary>(int) Pairs per objective per step (the in-batch negatives).</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>(int) Batches whose gradients add up before each optimizer update (the schedule, <c>eval_every</c> and
    /// the reported steps count updates).</summary>
    public int GradientAccumulation { get; init; } = 1;
    /// <summary>(int) With <c>text_tower</c>: tokens per text kept (the CLS token first); 0 = the tokenizer's own limit.</summary>
    public int MaxSeqLength { get; init; } = 0;
    /// <summary>(float) Peak AdamW learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>(float) AdamW weight decay (not on the logit scale).</summary>
    public double WeightDecay { get; init; } = 0.01;
    /// <summary>(float) Fraction of the steps spent warming the learning rate up from 0.</summary>
    public double WarmupRatio { get; init; } = 0.1;
    /// <summary>(linear | cosine) Decay after the warm-up.</summary>
    public DecaySchedule Schedule { get; init; } = DecaySchedule.Cosine;
    /// <summary>(float) Gradient L2-norm clip; 0 = none.</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>(text | image | combined) Which item vectors score.</summary>
    public DualEncoderMode Mode { get; init; } = DualEncoderMode.Combined;
    /// <summary>(int) With a validation split: evaluate every N optimizer updates (0 = at the end of every epoch) — validation
    /// contrastive loss on (last training item → validation item) pairs and validation Recall@10 through the shared
    /// evaluator — and keep the weights of the best Recall@10.</summary>
    public int EvalEvery { get; init; } = 0;
    /// <summary>(int) With a validation split: stop after this many evaluations without a better Recall@10 (0 = never stop early).</summary>
    public int Patience { get; init; } = 0;
    /// <summary>(int) Write a checkpoint every N optimizer updates into the run's folder (0 = none); a run resumed with
    /// <c>--resume</c> continues from the newest one exactly.</summary>
    public int SaveEvery { get; init; } = 0;
    /// <summary>(string) Where to train: cpu, cuda or cuda:N (CUDA needs a CUDA build, see README).</summary>
    public string Device { get; init; } = TowerOptions.DefaultDevice;
    /// <summary>(float32 | bf16) bf16 = bfloat16 autocast (matmuls in bf16; weights, optimizer state and the saved vectors
    /// stay float32): for CUDA; it also runs on a CPU, slowly on most.</summary>
    public TowerPrecision Dtype { get; init; } = TowerPrecision.Float32;
    /// <summary>(int?) Seed of initialisation and batch order; null = derived from the study seed.</summary>
    public int? Seed { get; init; }

    /// <summary>These options as the shared trainer's settings.</summary>
    internal Training.TrainerSettings TrainerSettings(Device device) => new()
    {
        Name = "BLaIR-CLIP", SampleName = "pairs", Epochs = Epochs, LearningRate = LearningRate, WeightDecay = WeightDecay, WarmupRatio = WarmupRatio,
        Schedule = Schedule, MaxGradNorm = MaxGradNorm, GradientAccumulation = GradientAccumulation, EvalEvery = EvalEvery,
        Patience = Patience, SaveEvery = SaveEvery, Device = device, Precision = Dtype,
    };
}
