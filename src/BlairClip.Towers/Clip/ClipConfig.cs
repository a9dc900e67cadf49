using BlairClip.Towers.Loading;

namespace BlairClip.Towers.Clip;

/// <summary><c>text_config</c> of a Hugging Face CLIP <c>config.json</c> (defaults: openai/clip-vit-base-patch32).</summary>
public sealed record ClipTextConfig
{
    /// <summary>Rows of the token embedding table.</summary>
    public int vocab_size { get; init; } = 49408;
    /// <summary>Width of every token state.</summary>
    public int hidden_size { get; init; } = 512;
    /// <summary>Encoder layers.</summary>
    public int num_hidden_layers { get; init; } = 12;
    /// <summary>Heads per attention.</summary>
    public int num_attention_heads { get; init; } = 8;
    /// <summary>Feed-forward width.</summary>
    public int intermediate_size { get; init; } = 2048;
    /// <summary>Longest sequence (77).</summary>
    public int max_position_embeddings { get; init; } = 77;
    /// <summary>LayerNorm epsilon.</summary>
    public double layer_norm_eps { get; init; } = 1e-5;
    /// <summary>Activation (quick_gelu for the openai checkpoints).</summary>
    public string hidden_act { get; init; } = "quick_gelu";
    /// <summary>2 in legacy configs: then the pooled token is argmax(input_ids); otherwise the first id equal to it.</summary>
    public int eos_token_id { get; init; } = 2;

    internal static ClipTextConfig Read(HfConfig c)
    {
        var d = new ClipTextConfig();
        var r = new ClipTextConfig
        {
            vocab_size = c.Positive("vocab_size", c.Int("vocab_size", d.vocab_size)),
            hidden_size = c.Positive("hidden_size", c.Int("hidden_size", d.hidden_size)),
            num_hidden_layers = c.Positive("num_hidden_layers", c.Int("num_hidden_layers", d.num_hidden_layers)),
            num_attention_heads = c.Positive("num_attention_heads", c.Int("num_attention_heads", d.num_attention_heads)),
            intermediate_size = c.Positive("intermediate_size", c.Int("intermediate_size", d.intermediate_size)),
            max_position_embeddings = c.Positive("max_position_embeddings", c.Int("max_position_embeddings", d.max_position_embeddings)),
            layer_norm_eps = c.Double("layer_norm_eps", d.layer_norm_eps),
            hidden_act = c.String("hidden_act", d.hidden_act),
            eos_token_id = c.Int("eos_token_id", d.eos_token_id),
        };
        ClipConfig.CheckHeads(c, r.hidden_size, r.num_attention_heads);
        _ = Activations.Get(r.hidden_act, c.Path, c.Scope + "hidden_act");
        return r;
    }
}

/// <summary><c>vision_config</c> of a Hugging Face CLIP <c>config.json</c> (defaults: openai/clip-vit-base-patch32).</summary>
public sealed record ClipVisionConfig
{
    /// <summary>Width of every patch state.</summary>
    public int hidden_size { get; init; } = 768;
    /// <summary>Encoder layers.</summary>
    public int num_hidden_layers { get; init; } = 12;
    /// <summary>Heads per attention.</summary>
    public int num_attention_heads { get; init; } = 12;
    /// <summary>Feed-forward width.</summary>
    public int intermediate_size { get; init; } = 3072;
    /// <summary>Input side in pixels.</summary>
    public int image_size { get; init; } = 224;
    /// <summary>Patch side in pixels; (image_size / patch_size)² patches + 1 class token.</summary>
    public int patch_size { get; init; } = 32;
    /// <summary>Input channels.</summary>
    public int num_channels { get; init; } = 3;
    /// <summary>LayerNorm epsilon.</summary>
    public double layer_norm_eps { get; init; } = 1e-5;
    /// <summary>Activation.</summary>
    public string hidden_act { get; init; } = "quick_gelu";

    /// <summary>Patches per image plus the class token.</summary>
    public int num_positions => (image_size / patch_size) * (image_size / patch_size) + 1;

    internal static ClipVisionConfig Read(HfConfig c)
    {
        var d = new ClipVisionConfig();
        var r = new ClipVisionConfig
        {
            hidden_size = c.Positive("hidden_size", c.Int("hidden_size", d.hidden_size)),
            num_hidden_layers = c.Positive("num_hidden_layers", c.Int("num_hidden_layers", d.num_hidden_layers)),
            num_attention_heads = c.Positive("num_attention_heads", c.Int("num_attention_heads", d.num_attention_heads)),
            intermediate_size = c.Positive("intermediate_size", c.Int("intermediate_size", d.intermediate_size)),
            image_size = c.Positive("image_size", c.Int("image_size", d.image_size)),
            patch_size = c.Positive("patch_size", c.Int("patch_size", d.patch_size)),
            num_channels = c.Positive("num_channels", c.Int("num_channels", d.num_channels)),
            layer_norm_eps = c.Double("layer_norm_eps", d.layer_norm_eps),
            hidden_act = c.String("hidden_act", d.hidden_act),
        };
        ClipConfig.CheckHeads(c, r.hidden_size, r.num_attention_heads);
        if (r.image_size % r.patch_size != 0)
            throw new InvalidDataException($"{c.Path}: key '{c.Scope}image_size' ({r.image_size}) must be a multiple of 'patch_size' ({r.patch_size}).");
        _ = Activations.Get(r.hidden_act, c.Path, c.Scope + "hidden_act");
        return r;
    }
}

/// <summary>A Hugging Face CLIP <c>config.json</c>: model_type clip (both towers), clip_text_model or clip_vision_model.</summary>
public sealed record ClipConfig
{
    /// <summary>clip, clip_text_model or clip_vision_model.</summary>
    public string model_type { get; init; } = "clip";
    /// <summary>Width of the shared embedding space.</summary>
    public int projection_dim { get; init; } = 512;
    /// <summary>Initial value of logit_scale (ln(1/0.07)).</summary>
    public double logit_scale_init_value { get; init; } = 2.6592;
    /// <summary>The text tower (null for clip_vision_model).</summary>
    public ClipTextConfig? text_config { get; init; }
    /// <summary>The vision tower (null for clip_text_model).</summary>
    public ClipVisionConfig? vision_config { get; init; }

    /// <summary>Reads <paramref name="path"/>; for clip_text_model / clip_vision_model the tower's fields are at the top level.</summary>
    /// <exception cref="InvalidDataException">The model type is not a CLIP one, or a field is invalid (file and key named).</exception>
    public static ClipConfig FromFile(string path)
    {
        var c = HfConfig.Read(path);
        var type = c.String("model_type", "clip");
        var d = new ClipConfig();
        return type switch
        {
            "clip" => new ClipConfig
            {
                model_type = type,
                projection_dim = c.Positive("projection_dim", c.Int("projection_dim", d.projection_dim)),
                logit_scale_init_value = c.Double("logit_scale_init_value", d.logit_scale_init_value),
                text_config = ClipTextConfig.Read(c.Section("text_config")
                    ?? throw new InvalidDataException($"{path}: key 'text_config' (an object) is required for model_type clip but absent.")),
                vision_config = ClipVisionConfig.Read(c.Section("vision_config")
                    ?? throw new InvalidDataException($"{path}: key 'vision_config' (an object) is required for model_type clip but absent.")),
            },
            "clip_text_model" => new ClipConfig
            {
                model_type = type,
                projection_dim = c.Int("projection_dim", d.projection_dim),
                text_config = ClipTextConfig.Read(c),
            },
            "clip_vision_model" => new ClipConfig
            {
                model_type = type,
                projection_dim = c.Int("projection_dim", d.projection_dim),
                vision_config = ClipVisionConfig.Read(c),
            },
            _ => throw new InvalidDataException(
                $"{path}: key 'model_type' must be clip, clip_text_model or clip_vision_model, but was '{type}'."),
        };
    }

    internal static void CheckHeads(HfConfig c, int hidden, int heads)
    {
        if (hidden % heads != 0)
            throw new InvalidDataException(
                $"{c.Path}: key '{c.Scope}hidden_size' ({hidden}) must be a multiple of '{c.Scope}num_attention_heads' ({heads}).");
    }
}
