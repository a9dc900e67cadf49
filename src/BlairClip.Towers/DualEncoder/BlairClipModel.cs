using BlairClip.Towers.Training;
using System.Text.Json.Nodes;
using BlairClip.ML.Core;
using BlairClip.ML.Models;
using BlairClip.ML.Recommenders;

namespace BlairClip.Towers.DualEncoder;

/// <summary>Fitted <see cref="BlairClipEstimator"/>: the trained heads and, computed once after training, every item's
/// vector in the model's mode, scored as <see cref="EmbeddingModel"/> scores (cosine of the L2-normalised mean history
/// vector with each item). Evaluated, saved and served (ML.NET zip) like every other model.
/// <para>Entry layout v1: the inner <see cref="EmbeddingModel"/> entry (properties and tensors, unprefixed), plus
/// properties <c>blair_clip.mode</c>, <c>.text_dim</c>, <c>.image_dim</c>, <c>.projection_dim</c>, <c>.logit_scale</c>,
/// <c>.epoch_loss</c> (array) and tensors <c>heads.text_projection</c> F32 [projection_dim, text_dim],
/// <c>heads.visual_projection</c> F32 [projection_dim, image_dim]; with fine-tuned towers, their trained parameters as
/// <c>text_tower.&lt;checkpoint key&gt;</c> / <c>image_tower.&lt;checkpoint key&gt;</c> F32; with <c>text_mlp</c>,
/// <c>heads.text_mlp.weight</c> F32 [text_dim, text_dim] and <c>heads.text_mlp.bias</c> F32 [text_dim]; the other modes'
/// item vectors as <c>item_vectors.text</c> / <c>.image</c> / <c>.combined</c> F32 [items, projection_dim]; properties
/// <c>.text_tower</c> / <c>.image_tower</c> {path, sha256} when trained from checkpoints.</para></summary>
[ModelEntry("BlairClip", 1)]
public sealed class BlairClipModel : RecommenderTransformer, IReportsTraining
{
    private readonly EmbeddingModel _inner;
    private readonly float[] _textProjection, _visualProjection;

    internal BlairClipModel(EmbeddingModel inner, DualEncoderMode mode, float[] textProjection, float[] visualProjection, float logitScale,
        int textDim, int imageDim, IReadOnlyList<float> epochLoss)
    {
        _inner = inner; Mode = mode; _textProjection = textProjection; _visualProjection = visualProjection;
        LogitScale = logitScale; TextDim = textDim; ImageDim = imageDim; EpochLoss = epochLoss;
        ProjectionDim = textDim == 0 ? 0 : textProjection.Length / textDim;
    }

    public DualEncoderMode Mode { get; }
    public int TextDim { get; }
    public int ImageDim { get; }
    public int ProjectionDim { get; }
    /// <summary>The trained logit scale (before exp).</summary>
    public float LogitScale { get; }
    /// <summary>Mean training loss of each epoch.</summary>
    public IReadOnlyList<float> EpochLoss { get; }
    /// <summary>[projection_dim, text_dim] row-major.</summary>
    public ReadOnlySpan<float> TextProjection => _textProjection;
    /// <summary>[projection_dim, image_dim] row-major.</summary>
    public ReadOnlySpan<float> VisualProjection => _visualProjection;
    /// <summary>The trained parameters besides the projections: the fine-tuned towers', keyed <c>text_tower.&lt;key&gt;</c> /
    /// <c>image_tower.&lt;key&gt;</c>, and the text MLP's, <c>heads.text_mlp.weight</c>/<c>.bias</c> (null when there are none).</summary>
    public IReadOnlyDictionary<string, (float[] Values, long[] Shape)>? TrainedWeights { get; init; }
    /// <summary>Every item's vectors in the other modes ([items, projection_dim] row-major), computed once after training
    /// (text and image only with an image modality): what a query in another modality is compared with.</summary>
    public IReadOnlyDictionary<DualEncoderMode, float[]> OtherModes { get; init; } = new Dictionary<DualEncoderMode, float[]>();
    /// <summary>The item column of frozen text features the text head reads (null with a text tower, or in zips written
    /// before search needed it).</summary>
    public string? TextColumn { get; init; }
    /// <summary>The item column of frozen image features the visual head reads (null with an image tower or without images).</summary>
    public string? ImageColumn { get; init; }
    /// <summary>The text tower checkpoint the model was trained from (null: a frozen text column).</summary>
    public Encoding.CheckpointReference? TextTower { get; init; }
    /// <summary>The CLIP checkpoint whose vision tower the model was trained from (null: a frozen image column or none).</summary>
    public Encoding.CheckpointReference? ImageTower { get; init; }

    /// <summary>Every item's vectors in <paramref name="mode"/>, [items, projection_dim] row-major.</summary>
    /// <exception cref="KeyNotFoundException">The model has no such vectors (the image modes of a text-only model).</exception>
    public float[] ItemVectors(DualEncoderMode mode) => mode == Mode ? _inner.Matrix(0).ToDense()
        : OtherModes.TryGetValue(mode, out var v) ? v : throw new KeyNotFoundException($"This BLaIR-CLIP model has no {Name(mode)} item vectors (no image modality).");

    private static string Name(DualEncoderMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>The validation curve (empty without a validation split): one point per evaluation.</summary>
    public IReadOnlyList<ValidationPoint> Validation { get; init; } = [];
    /// <summary>Fit statistics (not saved): optimizer steps, training pairs processed and the seconds the steps took.</summary>
    public (int Steps, long Pairs, double Seconds) Throughput { get; init; }
    /// <summary>Fit statistics (not saved): pairs of each objective.</summary>
    public int TextImagePairs { get; init; }
    /// <inheritdoc cref="TextImagePairs"/>
    public int NextItemPairs { get; init; }
    /// <inheritdoc cref="TextImagePairs"/>
    public int ReviewPairs { get; init; }

    public override int ItemCount => _inner.ItemCount;
    public override void Score(ReadOnlySpan<UserQuery> queries, Span<float> scores) => _inner.Score(queries, scores);
    public override bool TryCountRanks(ReadOnlySpan<UserQuery> queries, ReadOnlySpan<int> targets, Span<float> targetScores, Span<int> higher, Span<int> equal) =>
        _inner.TryCountRanks(queries, targets, targetScores, higher, equal);
    public override void ScoreItems(UserQuery query, ReadOnlySpan<int> items, Span<float> scores) => _inner.ScoreItems(query, items, scores);
    internal override FactoredScores Factor(UserHistories histories) => _inner.Factor(histories);

    public override void SaveEntry(EntryWriter context)
    {
        _inner.SaveEntry(context);
        context.Properties["blair_clip"] = Report();
        context.Tensors.Add<float>("heads.text_projection", _textProjection, ProjectionDim, TextDim)
            .Add<float>("heads.visual_projection", _visualProjection, ProjectionDim, ImageDim);
        if (TrainedWeights is not null)
            foreach (var (name, (values, shape)) in TrainedWeights)
                context.Tensors.Add<float>(name, values, shape);
        foreach (var (mode, values) in OtherModes)
            context.Tensors.Add<float>("item_vectors." + Name(mode), values, ItemCount, ProjectionDim);
    }

    /// <summary>The epoch losses and the validation curve (run.json <c>models[].training</c>).</summary>
    public JsonObject TrainingReport() => new()
    {
        ["epoch_loss"] = new JsonArray(EpochLoss.Select(l => Finite(l)).ToArray()),
        ["validation"] = ValidationJson(),
        ["logit_scale"] = LogitScale,
        ["steps"] = Throughput.Steps,
        ["pairs"] = Throughput.Pairs,
        ["step_seconds"] = Finite(Throughput.Seconds),
        ["pairs_per_second"] = Throughput.Seconds > 0 ? Finite(Throughput.Pairs / Throughput.Seconds) : null,
    };

    private JsonArray ValidationJson() => new(Validation.Select(v => (JsonNode)new JsonObject
    {
        ["step"] = v.Step, ["train_loss"] = Finite(v.TrainLoss), ["loss"] = Finite(v.Loss), ["recall_at_10"] = Finite(v.RecallAt10),
    }).ToArray());

    private JsonObject Report() => new()
    {
        ["mode"] = Mode.ToString().ToLowerInvariant(),
        ["text_dim"] = TextDim,
        ["image_dim"] = ImageDim,
        ["projection_dim"] = ProjectionDim,
        ["logit_scale"] = LogitScale,
        ["epoch_loss"] = new JsonArray(EpochLoss.Select(l => Finite(l)).ToArray()),
        ["validation"] = ValidationJson(),
        ["text_tower"] = Reference(TextTower),
        ["image_tower"] = Reference(ImageTower),
        ["text_column"] = TextColumn,
        ["image_column"] = ImageColumn,
    };

    private static JsonObject? Reference(Encoding.CheckpointReference? r) => r is null ? null : new() { ["path"] = r.Path, ["sha256"] = r.Sha256 };

    private static Encoding.CheckpointReference? Reference(JsonNode? n) => n is null ? null : new((string)n["path"]!, (string)n["sha256"]!);

    /// <summary>JSON has no NaN: a non-finite value is written as null.</summary>
    private static JsonNode? Finite(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    /// <exception cref="InvalidDataException">A missing or malformed property or tensor; names the entry.</exception>
    public static BlairClipModel LoadEntry(EntryReader context)
    {
        var inner = EmbeddingModel.LoadEntry(context);
        var p = context.Properties["blair_clip"] as JsonObject ?? throw new InvalidDataException($"{context.Entry}: missing property 'blair_clip'.");
        try
        {
            var mode = Enum.Parse<DualEncoderMode>((string)p["mode"]!, ignoreCase: true);
            int textDim = (int)p["text_dim"]!, imageDim = (int)p["image_dim"]!, projection = (int)p["projection_dim"]!;
            var text = context.Tensors.Get<float>("heads.text_projection");
            var visual = context.Tensors.Get<float>("heads.visual_projection");
            if (text.Length != (long)projection * textDim || visual.Length != (long)projection * imageDim)
                throw new InvalidDataException($"{context.Entry}: head tensors do not match projection_dim {projection} × text_dim {textDim} / image_dim {imageDim}.");
            var loss = (p["epoch_loss"] as JsonArray ?? []).Select(n => n is null ? float.NaN : n.GetValue<float>()).ToArray();
            var validation = (p["validation"] as JsonArray ?? []).Select(n => new ValidationPoint(
                (int)n!["step"]!, (double?)n["train_loss"] ?? double.NaN, (double?)n["loss"] ?? double.NaN, (double?)n["recall_at_10"] ?? double.NaN)).ToArray();
            var tower = context.Tensors.Tensors.Where(t => t.Name.StartsWith("text_tower.", StringComparison.Ordinal) || t.Name.StartsWith("image_tower.", StringComparison.Ordinal)
                || t.Name.StartsWith("heads.text_mlp.", StringComparison.Ordinal)).ToList();
            var others = Enum.GetValues<DualEncoderMode>().Where(m => m != mode && context.Tensors.Tensors.Any(t => t.Name == "item_vectors." + Name(m)))
                .ToDictionary(m => m, m => context.Tensors.Get<float>("item_vectors." + Name(m)));
            if (others.Values.Any(v => v.Length != (long)inner.ItemCount * projection))
                throw new InvalidDataException($"{context.Entry}: item_vectors tensors do not match {inner.ItemCount} items × projection_dim {projection}.");
            return new BlairClipModel(inner, mode, text, visual, (float)p["logit_scale"]!, textDim, imageDim, loss)
            {
                OtherModes = others,
                TextTower = Reference(p["text_tower"]),
                ImageTower = Reference(p["image_tower"]),
                TextColumn = (string?)p["text_column"],
                ImageColumn = (string?)p["image_column"],
                Validation = validation,
                TrainedWeights = tower.Count == 0 ? null : tower.ToDictionary(t => t.Name, t => (context.Tensors.Get<float>(t.Name), t.Shape)),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or NullReferenceException)
        {
            throw new InvalidDataException($"{context.Entry}: malformed 'blair_clip' properties: {e.Message}", e);
        }
    }
}
