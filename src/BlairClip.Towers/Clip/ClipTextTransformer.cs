using TorchSharp.Modules;

namespace BlairClip.Towers.Clip;

#pragma warning disable IDE1006 // field names are checkpoint key segments

/// <summary>token_embedding[ids] + position_embedding[0..len-1] (no LayerNorm).</summary>
public sealed class ClipTextEmbeddings : nn.Module<Tensor, Tensor>
{
    /// <summary>Token table [vocab_size, hidden].</summary>
    public readonly Embedding token_embedding;
    /// <summary>Position table [max_position_embeddings, hidden].</summary>
    public readonly Embedding position_embedding;

    internal ClipTextEmbeddings(ClipTextConfig c) : base(nameof(ClipTextEmbeddings))
    {
        token_embedding = nn.Embedding(c.vocab_size, c.hidden_size);
        position_embedding = nn.Embedding(c.max_position_embeddings, c.hidden_size);
        RegisterComponents();
    }

    /// <summary>int64 ids [batch, len] → [batch, len, hidden].</summary>
    public override Tensor forward(Tensor input_ids)
    {
        using var scope = torch.NewDisposeScope();
        var len = input_ids.size(1);
        return (token_embedding.forward(input_ids) + position_embedding.weight!.narrow(0, 0, len)).MoveToOuterDisposeScope();
    }
}

/// <summary>Outputs of a CLIP tower; the caller owns the tensors.</summary>
/// <param name="last_hidden_state">Text: final_layer_norm(encoder output) [batch, len, hidden]; vision: encoder output
/// [batch, positions, hidden] (without post_layernorm).</param>
/// <param name="pooler_output">[batch, hidden]: text = last_hidden_state at the EOS token; vision = post_layernorm(class token).</param>
/// <param name="hidden_states">With output_hidden_states, layers + 1 tensors: the input of the first layer, then each layer's
/// raw output; otherwise empty.</param>
public sealed record ClipTowerOutput(Tensor last_hidden_state, Tensor pooler_output, IReadOnlyList<Tensor> hidden_states) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var h in hidden_states) h.Dispose();
        last_hidden_state.Dispose(); // disposing twice is harmless
        pooler_output.Dispose();
    }

    internal ClipTowerOutput MoveToOuterDisposeScope()
    {
        // The vision tower's last_hidden_state is also its last hidden state: move each tensor once.
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var t in hidden_states.Append(last_hidden_state).Append(pooler_output))
            if (seen.Add(t)) t.MoveToOuterDisposeScope();
        return this;
    }
}

/// <summary>HF's CLIPTextTransformer (keys under <c>text_model.</c>): embeddings, pre-LN encoder with causal and
/// padding masks, final_layer_norm, EOS pooling.</summary>
public sealed class ClipTextTransformer : nn.Module
{
    /// <summary>Token + position embeddings.</summary>
    public readonly ClipTextEmbeddings embeddings;
    /// <summary>The pre-LN layers (causal + padding masked).</summary>
    public readonly ClipEncoder encoder;
    /// <summary>LayerNorm applied to the last layer's output.</summary>
    public readonly LayerNorm final_layer_norm;

    internal ClipTextTransformer(ClipTextConfig c) : base(nameof(ClipTextTransformer))
    {
        Config = c;
        embeddings = new ClipTextEmbeddings(c);
        encoder = new ClipEncoder(c.num_hidden_layers, c.hidden_size, c.num_attention_heads, c.intermediate_size,
            c.layer_norm_eps, Activations.Get(c.hidden_act, "text_config", "hidden_act"));
        final_layer_norm = nn.LayerNorm(c.hidden_size, c.layer_norm_eps);
        RegisterComponents();
    }

    /// <summary>The architecture.</summary>
    public ClipTextConfig Config { get; }

    /// <summary>
    /// int64 <paramref name="input_ids"/> [batch, len] and <paramref name="attention_mask"/> [batch, len] (null: no
    /// padding) → outputs. Pooled token: eos_token_id == 2 (legacy configs) → first argmax of the ids (the real EOS,
    /// 49407 being the largest id); otherwise the first position whose id equals eos_token_id.
    /// </summary>
    /// <exception cref="ArgumentException">The ids are not 2-D or longer than max_position_embeddings.</exception>
    public ClipTowerOutput forward(Tensor input_ids, Tensor? attention_mask = null, bool output_hidden_states = false)
    {
        var shape = input_ids.shape;
        if (shape.Length != 2 || shape[1] > Config.max_position_embeddings)
            throw new ArgumentException(
                $"input_ids must be [batch, len] with len <= max_position_embeddings {Config.max_position_embeddings}, but was [{string.Join(", ", shape)}].",
                nameof(input_ids));
        using var scope = torch.NewDisposeScope();
        var dtype = embeddings.token_embedding.weight!.dtype;
        var device = input_ids.device;
        var len = input_ids.size(1);
        var min = Attention.MaskValue(dtype);
        // Causal: min strictly above the diagonal, [1, 1, len, len]; padding: min at padded keys, [batch, 1, 1, len].
        var causal = torch.full([len, len], min, dtype, device).triu(1).unsqueeze(0).unsqueeze(0);
        var mask = attention_mask is null ? causal : causal + Attention.PaddingMask(attention_mask, dtype);

        var states = encoder.Run(embeddings.call(input_ids), mask, output_hidden_states);
        var last = final_layer_norm.call(states[^1]);
        var eos = Config.eos_token_id == 2
            ? FirstArgmax(input_ids)
            : FirstEqual(input_ids, Config.eos_token_id);
        var pooled = last.gather(1, eos.view(-1, 1, 1).expand(-1, 1, last.size(2))).squeeze(1);
        if (!output_hidden_states) states[0].Dispose();
        return new ClipTowerOutput(last, pooled, output_hidden_states ? states : []).MoveToOuterDisposeScope();
    }

    // argmax's tie rule is not guaranteed on every device, so the first maximal index is taken explicitly:
    // first index where ids == max, found as argmax over (ids == max) · (len - position).
    private static Tensor FirstArgmax(Tensor ids)
    {
        var (max, _) = ids.max(1, keepdim: true);
        return FirstTrue(ids.eq(max));
    }

    private static Tensor FirstEqual(Tensor ids, int eos) =>
        FirstTrue(ids.eq(torch.tensor(eos, ScalarType.Int64, ids.device)));

    // Index of the first true per row of a bool [batch, len] (0 if none, as argmax of an all-false row in HF).
    private static Tensor FirstTrue(Tensor hits)
    {
        var len = hits.size(1);
        var weight = torch.arange(len, 0, -1, ScalarType.Int64, hits.device); // len, len-1, …, 1
        return (hits.to(ScalarType.Int64) * weight).argmax(1);
    }
}
