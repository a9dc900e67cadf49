using TorchSharp.Modules;

namespace BlairClip.Towers.Clip;

#pragma warning disable IDE1006 // field names are checkpoint key segments

/// <summary>Patch conv (no bias) → [batch, patches, hidden], class token prepended, positions added.</summary>
public sealed class ClipVisionEmbeddings : nn.Module<Tensor, Tensor>
{
    /// <summary>The class token [hidden] prepended to the patches.</summary>
    public readonly Parameter class_embedding;
    /// <summary>Patch projection: Conv2d(channels → hidden, kernel = stride = patch_size, no bias).</summary>
    public readonly Conv2d patch_embedding;
    /// <summary>Position table [num_positions, hidden].</summary>
    public readonly Embedding position_embedding;

    internal ClipVisionEmbeddings(ClipVisionConfig c) : base(nameof(ClipVisionEmbeddings))
    {
        // Detached first: a Parameter made from a tensor in a dispose scope takes its place there and would be freed with it.
        class_embedding = new Parameter(torch.randn(c.hidden_size).DetachFromDisposeScope());
        patch_embedding = nn.Conv2d(c.num_channels, c.hidden_size, c.patch_size, stride: c.patch_size, bias: false);
        position_embedding = nn.Embedding(c.num_positions, c.hidden_size);
        RegisterComponents();
    }

    /// <summary>pixel values [batch, channels, H, W] → [batch, 1 + (H/p)(W/p), hidden]; patch index = row·(W/p) + col.</summary>
    public override Tensor forward(Tensor pixel_values)
    {
        using var scope = torch.NewDisposeScope();
        var patches = patch_embedding.forward(pixel_values).flatten(2).transpose(1, 2);
        var batch = patches.size(0);
        var cls = class_embedding.view(1, 1, -1).expand(batch, 1, -1);
        var x = torch.cat([cls, patches], 1);
        return (x + position_embedding.weight!.narrow(0, 0, x.size(1))).MoveToOuterDisposeScope();
    }
}

/// <summary>HF's CLIPVisionTransformer (keys under <c>vision_model.</c>; <c>pre_layrnorm</c> is HF's spelling).</summary>
public sealed class ClipVisionTransformer : nn.Module
{
    /// <summary>Patch + class + position embeddings.</summary>
    public readonly ClipVisionEmbeddings embeddings;
    /// <summary>LayerNorm before the layers (HF's spelling).</summary>
    public readonly LayerNorm pre_layrnorm;
    /// <summary>The pre-LN layers (no mask).</summary>
    public readonly ClipEncoder encoder;
    /// <summary>LayerNorm applied to the class token for pooler_output.</summary>
    public readonly LayerNorm post_layernorm;

    internal ClipVisionTransformer(ClipVisionConfig c) : base(nameof(ClipVisionTransformer))
    {
        Config = c;
        embeddings = new ClipVisionEmbeddings(c);
        pre_layrnorm = nn.LayerNorm(c.hidden_size, c.layer_norm_eps);
        encoder = new ClipEncoder(c.num_hidden_layers, c.hidden_size, c.num_attention_heads, c.intermediate_size,
            c.layer_norm_eps, Activations.Get(c.hidden_act, "vision_config", "hidden_act"));
        post_layernorm = nn.LayerNorm(c.hidden_size, c.layer_norm_eps);
        RegisterComponents();
    }

    /// <summary>The architecture.</summary>
    public ClipVisionConfig Config { get; }

    /// <summary>
    /// pixel values [batch, channels, image_size, image_size] → outputs: hidden_states[0] = pre_layrnorm(embeddings),
    /// last_hidden_state = last layer output (no post_layernorm), pooler_output = post_layernorm(last[:, 0]).
    /// </summary>
    /// <exception cref="ArgumentException">The input is not [batch, num_channels, image_size, image_size].</exception>
    public ClipTowerOutput forward(Tensor pixel_values, bool output_hidden_states = false)
    {
        var s = pixel_values.shape;
        if (s.Length != 4 || s[1] != Config.num_channels || s[2] != Config.image_size || s[3] != Config.image_size)
            throw new ArgumentException(
                $"pixel_values must be [batch, {Config.num_channels}, {Config.image_size}, {Config.image_size}], but was [{string.Join(", ", s)}].",
                nameof(pixel_values));
        using var scope = torch.NewDisposeScope();
        var dtype = embeddings.class_embedding.dtype;
        var x = pre_layrnorm.call(embeddings.call(pixel_values.to(dtype)));
        var states = encoder.Run(x, null, output_hidden_states);
        var last = states[^1];
        var pooled = post_layernorm.call(last.select(1, 0));
        return new ClipTowerOutput(last, pooled, output_hidden_states ? states : []).MoveToOuterDisposeScope();
    }
}
