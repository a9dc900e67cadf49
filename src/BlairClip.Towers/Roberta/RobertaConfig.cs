using BlairClip.Towers.Loading;

namespace BlairClip.Towers.Roberta;

/// <summary>The <c>config.json</c> fields of a Hugging Face <c>RobertaModel</c> (BLaIR uses the roberta-base values).</summary>
public sealed record RobertaConfig
{
    /// <summary>Rows of the word embedding table.</summary>
    public int vocab_size { get; init; } = 50265;
    /// <summary>Width of every token state.</summary>
    public int hidden_size { get; init; } = 768;
    /// <summary>Number of encoder layers.</summary>
    public int num_hidden_layers { get; init; } = 12;
    /// <summary>Heads per attention; hidden_size must be a multiple.</summary>
    public int num_attention_heads { get; init; } = 12;
    /// <summary>Width of the feed-forward layer.</summary>
    public int intermediate_size { get; init; } = 3072;
    /// <summary>Rows of the position table (514 = 512 tokens + pad id + 1).</summary>
    public int max_position_embeddings { get; init; } = 514;
    /// <summary>Rows of the token-type table (1 for RoBERTa).</summary>
    public int type_vocab_size { get; init; } = 1;
    /// <summary>LayerNorm epsilon.</summary>
    public double layer_norm_eps { get; init; } = 1e-5;
    /// <summary>Padding id; also the position id of padded tokens.</summary>
    public int pad_token_id { get; init; } = 1;
    /// <summary>Feed-forward activation: gelu (exact erf form), gelu_new / gelu_pytorch_tanh (tanh form) or relu.</summary>
    public string hidden_act { get; init; } = "gelu";

    /// <summary>Reads and validates <paramref name="path"/> (a HF <c>config.json</c>).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A field is missing, mistyped or inconsistent; the message names file and key.</exception>
    public static RobertaConfig FromFile(string path)
    {
        var c = HfConfig.Read(path);
        var d = new RobertaConfig();
        var config = new RobertaConfig
        {
            vocab_size = c.Positive("vocab_size", c.Int("vocab_size", d.vocab_size)),
            hidden_size = c.Positive("hidden_size", c.Int("hidden_size", d.hidden_size)),
            num_hidden_layers = c.Positive("num_hidden_layers", c.Int("num_hidden_layers", d.num_hidden_layers)),
            num_attention_heads = c.Positive("num_attention_heads", c.Int("num_attention_heads", d.num_attention_heads)),
            intermediate_size = c.Positive("intermediate_size", c.Int("intermediate_size", d.intermediate_size)),
            max_position_embeddings = c.Positive("max_position_embeddings", c.Int("max_position_embeddings", d.max_position_embeddings)),
            type_vocab_size = c.Positive("type_vocab_size", c.Int("type_vocab_size", d.type_vocab_size)),
            layer_norm_eps = c.Double("layer_norm_eps", d.layer_norm_eps),
            pad_token_id = c.Int("pad_token_id", d.pad_token_id),
            hidden_act = c.String("hidden_act", d.hidden_act),
        };
        if (config.hidden_size % config.num_attention_heads != 0)
            throw new InvalidDataException(
                $"{path}: key 'hidden_size' ({config.hidden_size}) must be a multiple of 'num_attention_heads' ({config.num_attention_heads}).");
        if (config.pad_token_id < 0 || config.pad_token_id >= config.vocab_size)
            throw new InvalidDataException($"{path}: key 'pad_token_id' must be in [0, {config.vocab_size}), but was {config.pad_token_id}.");
        _ = Activations.Get(config.hidden_act, path, "hidden_act");
        // Relative position variants add attention terms this model does not compute: refuse rather than run them wrongly.
        var positions = c.String("position_embedding_type", "absolute");
        if (positions != "absolute")
            throw new InvalidDataException($"{path}: key 'position_embedding_type' must be absolute, but was '{positions}'.");
        return config;
    }
}
