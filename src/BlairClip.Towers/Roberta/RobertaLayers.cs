using TorchSharp.Modules;

namespace BlairClip.Towers.Roberta;

// Field names are the checkpoint's key segments (embeddings.LayerNorm.weight, encoder.layer.0.attention.self.query.bias…),
// so RegisterComponents gives state_dict names that match the checkpoint one to one. Composite modules invoke their
// children with call(); each composite forward opens its own dispose scope so its temporaries are freed as it returns.
#pragma warning disable IDE1006 // PyTorch/HF names

/// <summary>LayerNorm(word[ids] + token_type[0] + position[position_ids]): [batch, len] ids → [batch, len, hidden].</summary>
public sealed class RobertaEmbeddings : nn.Module<(Tensor input_ids, Tensor position_ids), Tensor>
{
    /// <summary>Token table [vocab_size, hidden].</summary>
    public readonly Embedding word_embeddings;
    /// <summary>Position table [max_position_embeddings, hidden]; row pad_token_id is used by padding.</summary>
    public readonly Embedding position_embeddings;
    /// <summary>Token-type table [type_vocab_size, hidden]; only row 0 is used.</summary>
    public readonly Embedding token_type_embeddings;
    /// <summary>LayerNorm over hidden (HF's capitalised key).</summary>
    public readonly LayerNorm LayerNorm;

    internal RobertaEmbeddings(RobertaConfig c) : base(nameof(RobertaEmbeddings))
    {
        word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size);
        position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size);
        token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size);
        LayerNorm = nn.LayerNorm(c.hidden_size, c.layer_norm_eps);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward((Tensor input_ids, Tensor position_ids) input)
    {
        using var scope = torch.NewDisposeScope();
        // token_type_ids are all 0 (RoBERTa's tokenizer returns none): row 0 broadcast over every token, added in HF's order.
        var tokenType = token_type_embeddings.weight!.select(0, 0);
        var x = word_embeddings.forward(input.input_ids) + tokenType + position_embeddings.forward(input.position_ids);
        return LayerNorm.forward(x).MoveToOuterDisposeScope();
    }
}

/// <summary>HF's RobertaSelfAttention: query/key/value projections and the attention itself.</summary>
public sealed class RobertaSelfAttention : nn.Module<(Tensor x, Tensor? mask), Tensor>
{
    /// <summary>Query projection [hidden, hidden].</summary>
    public readonly Linear query;
    /// <summary>Key projection [hidden, hidden].</summary>
    public readonly Linear key;
    /// <summary>Value projection [hidden, hidden].</summary>
    public readonly Linear value;
    private readonly int _heads;

    internal RobertaSelfAttention(RobertaConfig c) : base(nameof(RobertaSelfAttention))
    {
        _heads = c.num_attention_heads;
        query = nn.Linear(c.hidden_size, c.hidden_size);
        key = nn.Linear(c.hidden_size, c.hidden_size);
        value = nn.Linear(c.hidden_size, c.hidden_size);
        RegisterComponents();
    }

    /// <summary>[batch, len, hidden] with an additive mask [batch, 1, 1, len] → context [batch, len, hidden].</summary>
    public override Tensor forward((Tensor x, Tensor? mask) input)
    {
        using var scope = torch.NewDisposeScope();
        return Attention.MultiHead(query.forward(input.x), key.forward(input.x), value.forward(input.x), _heads, input.mask)
            .MoveToOuterDisposeScope();
    }
}

/// <summary>dense + residual + LayerNorm after a sub-layer (post-LN): LN(dense(h) + residual).</summary>
public sealed class RobertaResidualOutput : nn.Module<(Tensor h, Tensor residual), Tensor>
{
    /// <summary>The layer's dense projection.</summary>
    public readonly Linear dense;
    /// <summary>LayerNorm over hidden (HF's capitalised key).</summary>
    public readonly LayerNorm LayerNorm;

    internal RobertaResidualOutput(long inFeatures, RobertaConfig c) : base(nameof(RobertaResidualOutput))
    {
        dense = nn.Linear(inFeatures, c.hidden_size);
        LayerNorm = nn.LayerNorm(c.hidden_size, c.layer_norm_eps);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward((Tensor h, Tensor residual) input)
    {
        using var scope = torch.NewDisposeScope();
        return LayerNorm.forward(dense.forward(input.h) + input.residual).MoveToOuterDisposeScope();
    }
}

/// <summary>HF's RobertaAttention: <c>self</c> attention then <c>output</c> (dense + residual + LayerNorm).</summary>
public sealed class RobertaAttention : nn.Module<(Tensor x, Tensor? mask), Tensor>
{
    /// <summary>Multi-head self-attention (key segment <c>self</c>).</summary>
    public readonly RobertaSelfAttention self;
    /// <summary>dense + residual + LayerNorm after the sub-layer.</summary>
    public readonly RobertaResidualOutput output;

    internal RobertaAttention(RobertaConfig c) : base(nameof(RobertaAttention))
    {
        self = new RobertaSelfAttention(c);
        output = new RobertaResidualOutput(c.hidden_size, c);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward((Tensor x, Tensor? mask) input)
    {
        using var scope = torch.NewDisposeScope();
        return output.call((self.call(input), input.x)).MoveToOuterDisposeScope();
    }
}

/// <summary>HF's RobertaIntermediate: act(dense(x)), [batch, len, hidden] → [batch, len, intermediate].</summary>
public sealed class RobertaIntermediate : nn.Module<Tensor, Tensor>
{
    /// <summary>The layer's dense projection.</summary>
    public readonly Linear dense;
    private readonly Func<Tensor, Tensor> _act;

    internal RobertaIntermediate(RobertaConfig c, Func<Tensor, Tensor> act) : base(nameof(RobertaIntermediate))
    {
        dense = nn.Linear(c.hidden_size, c.intermediate_size);
        _act = act;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return _act(dense.forward(x)).MoveToOuterDisposeScope();
    }
}

/// <summary>One post-LN encoder layer: a = LN(dense(attn(x)) + x); x' = LN(dense(act(intermediate(a))) + a).</summary>
public sealed class RobertaLayer : nn.Module<(Tensor x, Tensor? mask), Tensor>
{
    /// <summary>Attention block.</summary>
    public readonly RobertaAttention attention;
    /// <summary>Feed-forward expansion hidden → intermediate.</summary>
    public readonly RobertaIntermediate intermediate;
    /// <summary>dense + residual + LayerNorm after the sub-layer.</summary>
    public readonly RobertaResidualOutput output;

    internal RobertaLayer(RobertaConfig c, Func<Tensor, Tensor> act) : base(nameof(RobertaLayer))
    {
        attention = new RobertaAttention(c);
        intermediate = new RobertaIntermediate(c, act);
        output = new RobertaResidualOutput(c.intermediate_size, c);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward((Tensor x, Tensor? mask) input)
    {
        using var scope = torch.NewDisposeScope();
        var a = attention.call(input);
        return output.call((intermediate.call(a), a)).MoveToOuterDisposeScope();
    }
}

/// <summary>HF's RobertaEncoder: the layer list under <c>encoder.layer.N</c>.</summary>
public sealed class RobertaEncoder : nn.Module
{
    /// <summary>The encoder layers <c>layer.0</c> … <c>layer.{num_hidden_layers-1}</c>.</summary>
    public readonly ModuleList<RobertaLayer> layer;

    internal RobertaEncoder(RobertaConfig c, Func<Tensor, Tensor> act) : base(nameof(RobertaEncoder))
    {
        layer = nn.ModuleList(Enumerable.Range(0, c.num_hidden_layers).Select(_ => new RobertaLayer(c, act)).ToArray());
        RegisterComponents();
    }
}

/// <summary>HF's RobertaPooler: tanh(dense(h[:, 0])), [batch, len, hidden] → [batch, hidden].</summary>
public sealed class RobertaPooler : nn.Module<Tensor, Tensor>
{
    /// <summary>The layer's dense projection.</summary>
    public readonly Linear dense;

    internal RobertaPooler(RobertaConfig c) : base(nameof(RobertaPooler))
    {
        dense = nn.Linear(c.hidden_size, c.hidden_size);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor h)
    {
        using var scope = torch.NewDisposeScope();
        return dense.forward(h.select(1, 0)).tanh().MoveToOuterDisposeScope();
    }
}
