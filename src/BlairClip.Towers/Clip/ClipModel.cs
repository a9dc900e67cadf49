using TorchSharp.Modules;
using BlairClip.Towers.Loading;
using F = TorchSharp.torch.nn.functional;

namespace BlairClip.Towers.Clip;

/// <summary>Outputs of <see cref="ClipModel.forward"/>; the caller owns the tensors.</summary>
/// <param name="text_embeds">[texts, projection_dim], L2-normalised.</param>
/// <param name="image_embeds">[images, projection_dim], L2-normalised.</param>
/// <param name="text_embeds_unnormalized">text_projection(text pooler_output).</param>
/// <param name="image_embeds_unnormalized">visual_projection(vision pooler_output).</param>
/// <param name="logits_per_text">[texts, images] = (text_embeds · image_embedsᵀ) · exp(logit_scale).</param>
/// <param name="logits_per_image">[images, texts] = logits_per_textᵀ.</param>
/// <param name="text_model_output">The text tower's outputs.</param>
/// <param name="vision_model_output">The vision tower's outputs.</param>
public sealed record ClipModelOutput(
    Tensor text_embeds, Tensor image_embeds, Tensor text_embeds_unnormalized, Tensor image_embeds_unnormalized,
    Tensor logits_per_text, Tensor logits_per_image, ClipTowerOutput text_model_output, ClipTowerOutput vision_model_output) : IDisposable
{
    /// <summary>HF's clip_loss: (CE(logits_per_text, arange) + CE(logits_per_image, arange)) / 2, a scalar (square batches only).</summary>
    public Tensor loss()
    {
        var n = logits_per_text.size(0);
        if (logits_per_text.size(1) != n)
            throw new InvalidOperationException($"clip loss needs as many texts as images, but logits_per_text is [{n}, {logits_per_text.size(1)}].");
        using var scope = torch.NewDisposeScope();
        var labels = torch.arange(n, device: logits_per_text.device);
        var loss = (F.cross_entropy(logits_per_text, labels) + F.cross_entropy(logits_per_image, labels)) / 2.0;
        return loss.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in new[] { text_embeds, image_embeds, text_embeds_unnormalized, image_embeds_unnormalized, logits_per_text, logits_per_image })
            t.Dispose();
        text_model_output.Dispose();
        vision_model_output.Dispose();
    }
}

/// <summary>
/// Hugging Face's <c>CLIPModel</c>: text and vision towers, bias-free projections into a shared space, and the learned
/// temperature <c>logit_scale</c> (stored before exp). Keys as HF writes them; a <c>model.</c> or <c>clip.</c> prefix is
/// stripped and stored <c>position_ids</c> buffers are ignored.
/// </summary>
public sealed class ClipModel : nn.Module
{
#pragma warning disable IDE1006
    /// <summary>The text tower.</summary>
    public readonly ClipTextTransformer text_model;
    /// <summary>The vision tower.</summary>
    public readonly ClipVisionTransformer vision_model;
    /// <summary>Image projection [projection_dim, vision hidden], no bias.</summary>
    public readonly Linear visual_projection;
    /// <summary>Text projection [projection_dim, text hidden], no bias.</summary>
    public readonly Linear text_projection;
    /// <summary>Log of the logit temperature (0-dim); logits use exp(logit_scale).</summary>
    public readonly Parameter logit_scale;
#pragma warning restore IDE1006

    /// <summary>A randomly initialised model (load weights with <see cref="FromPretrained"/>).</summary>
    /// <exception cref="ArgumentException">The config lacks a tower.</exception>
    public ClipModel(ClipConfig config) : base(nameof(ClipModel))
    {
        Config = config;
        var text = config.text_config ?? throw new ArgumentException("ClipModel needs text_config (model_type clip).", nameof(config));
        var vision = config.vision_config ?? throw new ArgumentException("ClipModel needs vision_config (model_type clip).", nameof(config));
        text_model = new ClipTextTransformer(text);
        vision_model = new ClipVisionTransformer(vision);
        visual_projection = nn.Linear(vision.hidden_size, config.projection_dim, hasBias: false);
        text_projection = nn.Linear(text.hidden_size, config.projection_dim, hasBias: false);
        logit_scale = new Parameter(torch.tensor(config.logit_scale_init_value, ScalarType.Float32).DetachFromDisposeScope());
        RegisterComponents();
        eval();
    }

    /// <summary>The architecture.</summary>
    public ClipConfig Config { get; }

    /// <summary>What loading did with the checkpoint's keys.</summary>
    public LoadReport LoadReport { get; private set; } = new([], [], []);

    /// <summary>Loads <paramref name="folder"/>/config.json (model_type clip) and its weights.</summary>
    /// <exception cref="StateDictException">Strict and keys missing/unexpected (all named), or a shape mismatch.</exception>
    public static ClipModel FromPretrained(string folder, bool strict = true)
    {
        var model = new ClipModel(ClipConfig.FromFile(Path.Combine(folder, "config.json")));
        try
        {
            model.LoadReport = StateDictLoader.Load(model, CheckpointTensors.Load(folder), ClipKeys.Full, folder, strict);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs both towers and the head: int64 ids/mask [texts, len], pixel values [images, 3, H, W] → embeds and logits.
    /// </summary>
    public ClipModelOutput forward(Tensor input_ids, Tensor? attention_mask, Tensor pixel_values, bool output_hidden_states = false)
    {
        using var scope = torch.NewDisposeScope();
        var text = text_model.forward(input_ids, attention_mask, output_hidden_states);
        var vision = vision_model.forward(pixel_values, output_hidden_states);
        var textRaw = text_projection.call(text.pooler_output);
        var imageRaw = visual_projection.call(vision.pooler_output);
        var textEmbeds = F.normalize(textRaw, 2, -1);
        var imageEmbeds = F.normalize(imageRaw, 2, -1);
        var logitsPerText = textEmbeds.matmul(imageEmbeds.transpose(0, 1)) * logit_scale.exp();
        var logitsPerImage = logitsPerText.transpose(0, 1);
        var result = new ClipModelOutput(textEmbeds, imageEmbeds, textRaw, imageRaw, logitsPerText, logitsPerImage, text, vision);
        foreach (var t in new[] { textEmbeds, imageEmbeds, textRaw, imageRaw, logitsPerText, logitsPerImage }) t.MoveToOuterDisposeScope();
        text.MoveToOuterDisposeScope();
        vision.MoveToOuterDisposeScope();
        return result;
    }
}

/// <summary>Key mappings of the CLIP modules: prefixes HF accepts and keys it drops.</summary>
internal static class ClipKeys
{
    private static bool IsPositionIds(string k) => k.EndsWith("embeddings.position_ids", StringComparison.Ordinal);

    // Ignore is tested on the key as stored and with each prefix stripped, so "model.vision_model.x" counts as "vision_model.x".

    /// <summary>CLIPModel: strip <c>model.</c> / <c>clip.</c>.</summary>
    public static readonly KeyMapping Full = new(["model.", "clip."], [], IsPositionIds, _ => false);

    /// <summary>Text tower (+ projection): the vision tower, its projection and logit_scale are dropped; keys may lack <c>text_model.</c>.</summary>
    public static readonly KeyMapping Text = new(["model.", "clip."], ["text_model."],
        k => IsPositionIds(k) || k.StartsWith("vision_model.", StringComparison.Ordinal) || k is "visual_projection.weight" or "logit_scale",
        k => k == "text_projection.weight");

    /// <summary>Vision tower (+ projection): the text tower, its projection and logit_scale are dropped; keys may lack <c>vision_model.</c>.</summary>
    public static readonly KeyMapping Vision = new(["model.", "clip."], ["vision_model."],
        k => IsPositionIds(k) || k.StartsWith("text_model.", StringComparison.Ordinal) || k is "text_projection.weight" or "logit_scale",
        k => k == "visual_projection.weight");
}
