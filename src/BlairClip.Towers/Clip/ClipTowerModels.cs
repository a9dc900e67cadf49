using TorchSharp.Modules;
using BlairClip.Towers.Loading;

namespace BlairClip.Towers.Clip;

/// <summary>
/// HF's <c>CLIPVisionModel</c>: the vision tower alone (keys <c>vision_model.*</c>, also accepted without that prefix or
/// from a full CLIP checkpoint, whose text tower, projections and logit_scale are then ignored).
/// </summary>
public sealed class ClipVisionModel : nn.Module
{
#pragma warning disable IDE1006
    /// <summary>The vision tower.</summary>
    public readonly ClipVisionTransformer vision_model;
#pragma warning restore IDE1006

    /// <summary>A randomly initialised vision tower.</summary>
    public ClipVisionModel(ClipVisionConfig config) : base(nameof(ClipVisionModel))
    {
        vision_model = new ClipVisionTransformer(config);
        RegisterComponents();
        eval();
    }

    /// <summary>What loading did with the checkpoint's keys.</summary>
    public LoadReport LoadReport { get; private set; } = new([], [], []);

    /// <summary>Loads a clip or clip_vision_model folder.</summary>
    /// <exception cref="StateDictException">Strict and keys missing/unexpected, or a shape mismatch.</exception>
    /// <exception cref="InvalidDataException">The config has no vision tower.</exception>
    public static ClipVisionModel FromPretrained(string folder, bool strict = true)
    {
        var path = Path.Combine(folder, "config.json");
        var config = ClipConfig.FromFile(path).vision_config
            ?? throw new InvalidDataException($"{path}: key 'model_type' must be clip or clip_vision_model for a vision model, but was clip_text_model.");
        var model = new ClipVisionModel(config);
        var mapping = ClipKeys.Vision with { Ignore = k => ClipKeys.Vision.Ignore(k) || k == "visual_projection.weight" };
        try
        {
            model.LoadReport = StateDictLoader.Load(model, CheckpointTensors.Load(folder), mapping, folder, strict);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>pixel values [batch, 3, H, W] → the vision tower's outputs (see <see cref="ClipVisionTransformer.forward"/>).</summary>
    public ClipTowerOutput forward(Tensor pixel_values, bool output_hidden_states = false) => vision_model.forward(pixel_values, output_hidden_states);
}

/// <summary>Loads a tower-with-projection module, disposing it when the weights do not fit.</summary>
internal static class ClipProjectedLoader
{
    public static (TModule model, LoadReport report) Load<TModule>(TModule model, string folder, KeyMapping mapping, bool strict)
        where TModule : nn.Module
    {
        try
        {
            return (model, StateDictLoader.Load(model, CheckpointTensors.Load(folder), mapping, folder, strict));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}

/// <summary>
/// HF's CLIPTextModelWithProjection: <c>text_model.*</c> + <c>text_projection.weight</c>, loadable from a full CLIP
/// checkpoint (the vision tower's keys are ignored). Without a stored projection (a bare clip_text_model),
/// <see cref="HasProjection"/> is false and the embedding is the pooled output itself.
/// </summary>
public sealed class ClipTextModelWithProjection : nn.Module
{
#pragma warning disable IDE1006
    /// <summary>The text tower.</summary>
    public readonly ClipTextTransformer text_model;
    /// <summary>Text projection [projection_dim, hidden], no bias.</summary>
    public readonly Linear text_projection;
#pragma warning restore IDE1006

    /// <summary>A randomly initialised text tower with a projection to <paramref name="projectionDim"/>.</summary>
    public ClipTextModelWithProjection(ClipTextConfig config, int projectionDim) : base(nameof(ClipTextModelWithProjection))
    {
        text_model = new ClipTextTransformer(config);
        text_projection = nn.Linear(config.hidden_size, projectionDim, hasBias: false);
        RegisterComponents();
        eval();
    }

    /// <summary>False when the checkpoint had no <c>text_projection.weight</c>: embeddings are then the pooled output.</summary>
    public bool HasProjection { get; private set; } = true;

    /// <summary>What loading did with the checkpoint's keys.</summary>
    public LoadReport LoadReport { get; private set; } = new([], [], []);

    /// <summary>Embedding size: projection_dim, or hidden_size without a projection.</summary>
    public int Dimension => HasProjection ? (int)text_projection.weight.size(0) : text_model.Config.hidden_size;

    /// <summary>Loads a clip or clip_text_model folder.</summary>
    public static ClipTextModelWithProjection FromPretrained(string folder, bool strict = true)
    {
        var path = Path.Combine(folder, "config.json");
        var config = ClipConfig.FromFile(path);
        var text = config.text_config
            ?? throw new InvalidDataException($"{path}: key 'model_type' must be clip or clip_text_model for a text model, but was clip_vision_model.");
        var (model, report) = ClipProjectedLoader.Load(new ClipTextModelWithProjection(text, config.projection_dim), folder, ClipKeys.Text, strict);
        model.LoadReport = report;
        model.HasProjection = !report.MissingKeys.Contains("text_projection.weight");
        return model;
    }

    /// <summary>int64 ids / mask [batch, len] → unnormalised embeds [batch, Dimension] (caller's scope).</summary>
    public Tensor forward(Tensor input_ids, Tensor? attention_mask)
    {
        using var scope = torch.NewDisposeScope();
        using var output = text_model.forward(input_ids, attention_mask);
        var embeds = HasProjection ? text_projection.call(output.pooler_output) : output.pooler_output.alias();
        return embeds.MoveToOuterDisposeScope();
    }
}

/// <summary>
/// HF's CLIPVisionModelWithProjection: <c>vision_model.*</c> + <c>visual_projection.weight</c>, loadable from a full CLIP
/// checkpoint (the text tower's keys are ignored). Without a stored projection, <see cref="HasProjection"/> is false and
/// the embedding is the pooled output itself.
/// </summary>
public sealed class ClipVisionModelWithProjection : nn.Module
{
#pragma warning disable IDE1006
    /// <summary>The vision tower.</summary>
    public readonly ClipVisionTransformer vision_model;
    /// <summary>Image projection [projection_dim, hidden], no bias.</summary>
    public readonly Linear visual_projection;
#pragma warning restore IDE1006

    /// <summary>A randomly initialised vision tower with a projection to <paramref name="projectionDim"/>.</summary>
    public ClipVisionModelWithProjection(ClipVisionConfig config, int projectionDim) : base(nameof(ClipVisionModelWithProjection))
    {
        vision_model = new ClipVisionTransformer(config);
        visual_projection = nn.Linear(config.hidden_size, projectionDim, hasBias: false);
        RegisterComponents();
        eval();
    }

    /// <summary>False when the checkpoint had no <c>visual_projection.weight</c>: embeddings are then the pooled output.</summary>
    public bool HasProjection { get; private set; } = true;

    /// <summary>What loading did with the checkpoint's keys.</summary>
    public LoadReport LoadReport { get; private set; } = new([], [], []);

    /// <summary>Embedding size: projection_dim, or hidden_size without a projection.</summary>
    public int Dimension => HasProjection ? (int)visual_projection.weight.size(0) : vision_model.Config.hidden_size;

    /// <summary>Loads a clip or clip_vision_model folder.</summary>
    public static ClipVisionModelWithProjection FromPretrained(string folder, bool strict = true)
    {
        var path = Path.Combine(folder, "config.json");
        var config = ClipConfig.FromFile(path);
        var vision = config.vision_config
            ?? throw new InvalidDataException($"{path}: key 'model_type' must be clip or clip_vision_model for an image model, but was clip_text_model.");
        var (model, report) = ClipProjectedLoader.Load(new ClipVisionModelWithProjection(vision, config.projection_dim), folder, ClipKeys.Vision, strict);
        model.LoadReport = report;
        model.HasProjection = !report.MissingKeys.Contains("visual_projection.weight");
        return model;
    }

    /// <summary>pixel values [batch, 3, H, W] → unnormalised embeds [batch, Dimension] (caller's scope).</summary>
    public Tensor forward(Tensor pixel_values)
    {
        using var scope = torch.NewDisposeScope();
        using var output = vision_model.forward(pixel_values);
        var embeds = HasProjection ? visual_projection.call(output.pooler_output) : output.pooler_output.alias();
        return embeds.MoveToOuterDisposeScope();
    }
}
