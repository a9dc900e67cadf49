using Microsoft.ML;
using BlairClip.ML.Core;
using BlairClip.ML.DataViews;
using BlairClip.ML.Features;
using BlairClip.ML.Models;
using BlairClip.ML.Recommenders;
using BlairClip.Towers.Training;

namespace BlairClip.Towers.DualEncoder;

/// <summary>BLaIR-CLIP over frozen modalities: the item text vectors (TF-IDF rows or text-tower embeddings) and the item
/// image vectors (precomputed image features) are projected by <see cref="DualEncoderHeads"/> into one space and trained
/// with symmetric in-batch InfoNCE (<see cref="ContrastiveLoss"/>) on pairs from the training split only:
/// <list type="bullet">
/// <item><c>text_image</c>: an item's text ↔ the same item's image, over the items with training interactions (and an image);</item>
/// <item><c>next_item</c>: the combined vector of a user's training item t ↔ item t+1 (events ordered by timestamp,
/// ties in file order; repeats of one item skipped); a target repeated in a batch is never its own negative.</item>
/// </list>
/// AdamW (no decay on the logit scale), linear warm-up then linear or cosine decay, gradient clipping, seeded
/// initialisation and batch order (CPU runs are reproducible). After training every item's text, image and combined
/// vectors are computed once; the model scores with the mode's vectors like <see cref="EmbeddingRecommender"/> (cosine of
/// the mean history vector), so it is evaluated, saved and served like every other model.</summary>
[PipelineStep("BlairClip", typeof(BlairClipOptions))]
public sealed class BlairClipEstimator : RecommenderEstimator<BlairClipModel>
{
    /// <exception cref="InvalidOptionException">An option out of range (named as in YAML).</exception>
    public BlairClipEstimator(BlairClipContext context, BlairClipOptions options, IDataView? items = null) : base(context, items)
    {
        InvalidOptionException.Check(!string.IsNullOrWhiteSpace(options.TextColumn), "text_column", options.TextColumn, "must name a column");
        bool noImage = options.ImageColumn is null && options.ImageTower is null;
        InvalidOptionException.Check(options.ImageColumn is null || !string.IsNullOrWhiteSpace(options.ImageColumn), "image_column", options.ImageColumn, "must name a column, or be null (no image modality)");
        InvalidOptionException.Check(!noImage || options.TextImageWeight == 0 && options.ReviewImageWeight == 0,
            options.TextImageWeight > 0 ? "text_image_weight" : "review_image_weight", Math.Max(options.TextImageWeight, options.ReviewImageWeight),
            "must be 0 without an image modality (image_column and image_tower are null)");
        InvalidOptionException.Check(!noImage || options.Mode == DualEncoderMode.Text, "mode", options.Mode, "must be text without an image modality");
        InvalidOptionException.Check(options.ProjectionDim > 0, "projection_dim", options.ProjectionDim, "must be positive");
        InvalidOptionException.Check(options.TextImageWeight >= 0 && float.IsFinite(options.TextImageWeight), "text_image_weight", options.TextImageWeight, "must be zero or more");
        InvalidOptionException.Check(options.NextItemWeight >= 0 && float.IsFinite(options.NextItemWeight), "next_item_weight", options.NextItemWeight, "must be zero or more");
        InvalidOptionException.Check(options.ReviewImageWeight >= 0 && float.IsFinite(options.ReviewImageWeight), "review_image_weight", options.ReviewImageWeight, "must be zero or more");
        InvalidOptionException.Check(options.ReviewMetaWeight >= 0 && float.IsFinite(options.ReviewMetaWeight), "review_meta_weight", options.ReviewMetaWeight, "must be zero or more");
        InvalidOptionException.Check(options.TextImageWeight > 0 || options.NextItemWeight > 0 || options.ReviewImageWeight > 0 || options.ReviewMetaWeight > 0,
            "next_item_weight", options.NextItemWeight, "or text_image_weight, review_image_weight or review_meta_weight must be positive (something must be trained)");
        InvalidOptionException.Check(options.ReviewImageWeight == 0 && options.ReviewMetaWeight == 0 || options.TextTower is not null,
            ReviewOption(options).Name, ReviewOption(options).Weight,
            "needs text_tower: the review texts are encoded by the text tower");
        InvalidOptionException.Check(options.Epochs >= 0, "epochs", options.Epochs, "must be zero or more");
        InvalidOptionException.Check(options.BatchSize >= 2, "batch_size", options.BatchSize, "must be at least 2 (in-batch negatives)");
        InvalidOptionException.Check(options.LearningRate > 0 && double.IsFinite(options.LearningRate), "learning_rate", options.LearningRate, "must be a positive number");
        InvalidOptionException.Check(options.WeightDecay >= 0, "weight_decay", options.WeightDecay, "must be zero or more");
        InvalidOptionException.Check(options.WarmupRatio is >= 0 and < 1, "warmup_ratio", options.WarmupRatio, "must be in [0, 1)");
        InvalidOptionException.Check(options.MaxGradNorm >= 0, "max_grad_norm", options.MaxGradNorm, "must be zero (no clipping) or more");
        InvalidOptionException.Check(options.GradientAccumulation >= 1, "gradient_accumulation", options.GradientAccumulation, "must be at least 1");
        InvalidOptionException.Check(options.MaxSeqLength >= 0, "max_seq_length", options.MaxSeqLength, "must be zero (the tokenizer's limit) or more");
        InvalidOptionException.Check(options.EvalEvery >= 0, "eval_every", options.EvalEvery, "must be zero (every epoch) or more");
        InvalidOptionException.Check(options.Patience >= 0, "patience", options.Patience, "must be zero (no early stopping) or more");
        InvalidOptionException.Check(options.SaveEvery >= 0, "save_every", options.SaveEvery, "must be zero (no checkpoints) or more");
        InvalidOptionException.Check(options.SaveEvery == 0 || context.Checkpoints.Root is not null, "save_every", options.SaveEvery,
            "needs a checkpoint folder: run the study with ./blairclip run, or set BlairClipContext.Checkpoints.Root");
        Encoding.EncoderSettings.ValidateDevice(options.Device, options.Dtype);
        Options = options;
    }

    public BlairClipOptions Options { get; }

    protected override IReadOnlyList<string> ItemColumnsRead =>
        [.. Options.TextTower is null ? [Options.TextColumn] : Array.Empty<string>(), .. Options.ImageTower is null && Options.ImageColumn is { } c ? [c] : Array.Empty<string>()];

    public override IRecommenderEstimator ForItems(IDataView items) => new BlairClipEstimator(Context, Options, items);

    protected override BlairClipModel Fit(Interactions events, UserHistories histories, int items)
    {
        var table = RequireItems(items);
        Roberta.RobertaModel? tower = null;
        TextSource text;
        TextSource? reviews = null;
        if (Options.TextTower is { } towerDir)
        {
            var loaded = PretrainedTowers.LoadTextTower(Encoding.EncoderSettings.CheckpointDirectory(Context, towerDir)) as Roberta.RobertaTextTower
                ?? throw new InvalidOptionException("text_tower", towerDir, "must be a RoBERTa/BLaIR checkpoint to fine-tune (CLIP text towers: not yet)");
            tower = loaded.Model;
            Freeze(tower, Options.FreezeText, Options.TrainLastLayers);
            text = new TextSource(loaded.Tokenizer, DataViewColumns.Text(table, Options.TextInputColumn, "BlairClip"), tower.Config.hidden_size, Options.MaxSeqLength);
            if (Options.ReviewImageWeight > 0 || Options.ReviewMetaWeight > 0)
                reviews = new TextSource(loaded.Tokenizer, events.Review ?? throw new InvalidOptionException(
                    ReviewOption(Options).Name, ReviewOption(Options).Weight,
                    "needs the reviews' texts, which the data did not load: set data.review_text (e.g. [title, text]) for Amazon data"),
                    tower.Config.hidden_size, Options.MaxSeqLength);
        }
        else
        {
            var matrix = DataViewColumns.Vectors(table, Options.TextColumn, "BlairClip");
            matrix.NormalizeRows();
            text = new TextSource(matrix);
        }
        Clip.ClipVisionTransformer? vision = null;
        ImageSource image;
        int[]? present;
        if (Options.ImageTower is { } visionDir)
        {
            var loaded = PretrainedTowers.LoadImageTower(Encoding.EncoderSettings.CheckpointDirectory(Context, visionDir)) as Clip.ClipImageTower
                ?? throw new InvalidOptionException("image_tower", visionDir, "must be a CLIP checkpoint");
            vision = loaded.Model.vision_model;
            foreach (var p in vision.parameters()) p.requires_grad = !Options.FreezeVision;
            var paths = DataViewColumns.Text(table, Options.ImageInputColumn, "BlairClip")
                .Select(p => string.IsNullOrEmpty(p) ? null : Context.ResolvePath(p)).Select(p => p is not null && File.Exists(p) ? p : null).ToArray();
            image = new ImageSource(loaded.Processor, paths, vision.Config.hidden_size);
            present = paths.Select(p => p is null ? 0 : 1).ToArray();
        }
        else if (Options.ImageColumn is { } imageColumn)
        {
            var matrix = DataViewColumns.Vectors(table, imageColumn, "BlairClip");
            matrix.NormalizeRows();
            image = new ImageSource(matrix);
            var flag = ItemFeatureLoader.PresenceColumn(imageColumn);
            present = table.Schema.GetColumnOrNull(flag) is not null ? DataViewColumns.Int32(table, flag, "BlairClip") : null;
        }
        else
        {
            image = ImageSource.None;
            present = new int[items];  // no item has an image: no text_image or review_image pairs
        }

        var textImage = TextImagePairs(events, items, present);
        var nextItem = NextItemPairs(events, histories.UserCount);
        var (reviewImage, reviewMeta) = reviews is null ? ([], []) : ReviewPairs(events, present);
        int seed = Options.Seed ?? Context.DeriveSeed("blair-clip");
        Context.Report.Set("blair_clip_text_image_pairs", textImage.Length);
        Context.Report.Set("blair_clip_next_item_pairs", nextItem.Length);
        if (reviews is not null)
        {
            Context.Report.Set("blair_clip_review_image_pairs", reviewImage.Length);
            Context.Report.Set("blair_clip_review_meta_pairs", reviewMeta.Length);
        }
        var device = new Device(Options.Device);
        var heads = new DualEncoderHeads(text.Dimension, image.Dimension, Options.ProjectionDim, seed, tower, vision, Options.TextMlp);
        using (heads)
        {
            var features = new DualEncoderFeatures(heads, text, image, device, reviews);
            using var objective = new DualEncoderObjective(features, Options, new DualEncoderPairs(textImage, nextItem, reviewImage, reviewMeta));
            var validator = Validation.Count == 0 ? null : new DualEncoderValidator(Context, features, objective, Options, events, histories, Validation);
            var fingerprint = $"{Options with { Seed = seed }}; items {items}, text_dim {text.Dimension}, image_dim {image.Dimension}, "
                + $"pairs {textImage.Length}/{nextItem.Length}/{reviewImage.Length}/{reviewMeta.Length}, validation {Validation.Count}";
            var outcome = new Trainer(Options.TrainerSettings(device), Context.Progress).Train(objective, seed, validator, Context.Checkpoints.Current, fingerprint);
            if (outcome.BestStep is { } best) Context.Report.Set("blair_clip_best_step", best);
            if (outcome.ResumedFrom is { } from) Context.Report.Set("blair_clip_resumed_from_step", from);
            var vectors = features.ItemVectors(Options.Mode);
            var modes = image == ImageSource.None ? [DualEncoderMode.Text] : Enum.GetValues<DualEncoderMode>();
            var others = modes.Where(m => m != Options.Mode).ToDictionary(m => m, features.ItemVectors);
            var inner = new EmbeddingModel(
                new EmbeddingRecommenderOptions { Mode = EmbeddingMode.Text, TextColumn = "blair_clip_" + Options.Mode.ToString().ToLowerInvariant(), Normalize = false },
                [ItemMatrix.FromDense(Options.ProjectionDim, vectors)], [1f], []);
            return new BlairClipModel(inner, Options.Mode, TrainingCheckpoint.Values(heads.text_projection.weight!), TrainingCheckpoint.Values(heads.visual_projection.weight!),
                heads.logit_scale.cpu().item<float>(), text.Dimension, image.Dimension, outcome.EpochLoss)
            {
                TrainedWeights = TrainedWeights(("text_tower.", tower), ("image_tower.", vision), ("heads.text_mlp.", heads.text_mlp)),
                OtherModes = others,
                TextColumn = Options.TextTower is null ? Options.TextColumn : null,
                ImageColumn = Options.ImageTower is null ? Options.ImageColumn : null,
                TextTower = Options.TextTower is { } t ? Encoding.CheckpointReference.Of(Encoding.EncoderSettings.CheckpointDirectory(Context, t)) : null,
                ImageTower = Options.ImageTower is { } v ? Encoding.CheckpointReference.Of(Encoding.EncoderSettings.CheckpointDirectory(Context, v)) : null,
                Validation = outcome.Validation,
                Throughput = (outcome.Steps, outcome.Samples, outcome.Seconds),
                TextImagePairs = textImage.Length, NextItemPairs = nextItem.Length, ReviewPairs = reviewImage.Length + reviewMeta.Length,
            };
        }
    }

    /// <summary>The review objective an error about review texts names: review_meta_weight when it is on, else review_image_weight.</summary>
    private static (string Name, float Weight) ReviewOption(BlairClipOptions o) =>
        o.ReviewMetaWeight > 0 ? ("review_meta_weight", o.ReviewMetaWeight) : ("review_image_weight", o.ReviewImageWeight);

    /// <summary>The trained (requires_grad) parameters of the towers and the text MLP, keyed by prefix + checkpoint key;
    /// null when none.</summary>
    private static IReadOnlyDictionary<string, (float[] Values, long[] Shape)>? TrainedWeights(params (string Prefix, nn.Module? Tower)[] towers)
    {
        var weights = towers.Where(t => t.Tower is not null)
            .SelectMany(t => t.Tower!.named_parameters().Where(p => p.parameter.requires_grad)
                .Select(p => (Key: t.Prefix + p.name, Value: (TrainingCheckpoint.Values(p.parameter), p.parameter.shape))))
            .ToDictionary(p => p.Key, p => p.Value);
        return weights.Count == 0 ? null : weights;
    }

    /// <summary>Sets which tower weights train: none when <paramref name="frozen"/>, only the last
    /// <paramref name="lastLayers"/> encoder layers when given, else all.</summary>
    internal static void Freeze(Roberta.RobertaModel tower, bool frozen, int? lastLayers)
    {
        foreach (var p in tower.parameters()) p.requires_grad = !frozen && lastLayers is null;
        if (frozen || lastLayers is not { } n) return;
        var layers = tower.encoder.layer;
        for (int l = Math.Max(0, layers.Count - n); l < layers.Count; l++)
            foreach (var p in layers[l].parameters()) p.requires_grad = true;
    }

    /// <summary>(item, item) for every item with training interactions and an image.</summary>
    internal static (int A, int B)[] TextImagePairs(Interactions events, int items, int[]? present)
    {
        var seen = new bool[items];
        foreach (var i in events.Item) seen[i] = true;
        return Enumerable.Range(0, items).Where(i => seen[i] && (present is null || present[i] != 0)).Select(i => (i, i)).ToArray();
    }

    /// <summary>(training event, its item) for every training review with text: all of them for <c>review_meta</c>, those
    /// whose item has an image for <c>review_image</c>.</summary>
    internal static ((int A, int B)[] ReviewImage, (int A, int B)[] ReviewMeta) ReviewPairs(Interactions events, int[]? present)
    {
        var meta = Enumerable.Range(0, events.Count).Where(k => !string.IsNullOrWhiteSpace(events.Review![k])).Select(k => (k, events.Item[k])).ToArray();
        return (meta.Where(p => present is null || present[p.Item2] != 0).ToArray(), meta);
    }

    /// <summary>(item t, item t+1) of each user's training events in time order (ties in file order), repeats skipped.</summary>
    internal static (int A, int B)[] NextItemPairs(Interactions events, int users)
    {
        var byUser = new List<int>[users];
        for (int k = 0; k < events.Count; k++) (byUser[events.User[k]] ??= new()).Add(k);
        var pairs = new List<(int, int)>();
        foreach (var rows in byUser)
        {
            if (rows is null) continue;
            var ordered = rows.OrderBy(k => events.Timestamp[k]).ThenBy(k => k).Select(k => events.Item[k]).ToList();
            for (int t = 0; t + 1 < ordered.Count; t++)
                if (ordered[t] != ordered[t + 1]) pairs.Add((ordered[t], ordered[t + 1]));
        }
        return [.. pairs];
    }
}

/// <summary>Catalog entry point for <see cref="BlairClipEstimator"/>.</summary>
public static class BlairClipCatalog
{
    /// <summary>BLaIR-CLIP over frozen text and image modalities (item columns of <paramref name="items"/>, or of the
    /// pipeline's featurized item table when it is the last step of one).</summary>
    public static BlairClipEstimator BlairClip(this RecommendersCatalog catalog, BlairClipOptions? options = null, IDataView? items = null) =>
        new(catalog.Context, options ?? new BlairClipOptions(), items);
}
