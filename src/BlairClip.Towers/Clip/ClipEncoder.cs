using TorchSharp.Modules;

namespace BlairClip.Towers.Clip;

#pragma warning disable IDE1006 // field names are checkpoint key segments

/// <summary>HF's CLIPAttention: q/k/v/out projections; queries scaled by head_dim^-0.5.</summary>
public sealed class ClipAttention : nn.Module<(Tensor x, Tensor? mask), Tensor>
{
    /// <summary>Key projection [hidden, hidden].</summary>
    public readonly Linear k_proj;
    /// <summary>Value projection [hidden, hidden].</summary>
    public readonly Linear v_proj;
    /// <summary>Query projection [hidden, hidden].</summary>
    public readonly Linear q_proj;
    /// <summary>Output projection [hidden, hidden].</summary>
    public readonly Linear out_proj;
    private readonly int _heads;

    internal ClipAttention(int hidden, int heads) : base(nameof(ClipAttention))
    {
        _heads = heads;
        k_proj = nn.Linear(hidden, hidden);
        v_proj = nn.Linear(hidden, hidden);
        q_proj = nn.Linear(hidden, hidden);
        out_proj = nn.Linear(hidden, hidden);
        RegisterComponents();
    }

    /// <summary>[batch, len, hidden] with an additive mask broadcastable to [batch, heads, len, len] → [batch, len, hidden].</summary>
    public override Tensor forward((Tensor x, Tensor? mask) input)
    {
        using var scope = torch.NewDisposeScope();
        return out_proj.forward(Attention.MultiHead(q_proj.forward(input.x), k_proj.forward(input.x), v_proj.forward(input.x), _heads, input.mask))
            .MoveToOuterDisposeScope();
    }
}

/// <summary>HF's CLIPMLP: fc2(act(fc1(x))).</summary>
public sealed class ClipMlp : nn.Module<Tensor, Tensor>
{
    /// <summary>Expansion [intermediate, hidden].</summary>
    public readonly Linear fc1;
    /// <summary>Contraction [hidden, intermediate].</summary>
    public readonly Linear fc2;
    private readonly Func<Tensor, Tensor> _act;

    internal ClipMlp(int hidden, int intermediate, Func<Tensor, Tensor> act) : base(nameof(ClipMlp))
    {
        _act = act;
        fc1 = nn.Linear(hidden, intermediate);
        fc2 = nn.Linear(intermediate, hidden);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return fc2.forward(_act(fc1.forward(x))).MoveToOuterDisposeScope();
    }
}

/// <summary>One pre-LN layer: x += out_proj(attn(LN1(x))); x += fc2(act(fc1(LN2(x)))).</summary>
public sealed class ClipEncoderLayer : nn.Module<(Tensor x, Tensor? mask), Tensor>
{
    /// <summary>Multi-head self-attention.</summary>
    public readonly ClipAttention self_attn;
    /// <summary>LayerNorm before attention.</summary>
    public readonly LayerNorm layer_norm1;
    /// <summary>Feed-forward block.</summary>
    public readonly ClipMlp mlp;
    /// <summary>LayerNorm before the feed-forward block.</summary>
    public readonly LayerNorm layer_norm2;

    internal ClipEncoderLayer(int hidden, int heads, int intermediate, double eps, Func<Tensor, Tensor> act) : base(nameof(ClipEncoderLayer))
    {
        self_attn = new ClipAttention(hidden, heads);
        layer_norm1 = nn.LayerNorm(hidden, eps);
        mlp = new ClipMlp(hidden, intermediate, act);
        layer_norm2 = nn.LayerNorm(hidden, eps);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward((Tensor x, Tensor? mask) input)
    {
        using var scope = torch.NewDisposeScope();
        // Each child's forward opens its own dispose scope, so its temporaries are freed as it returns.
        var x = input.x + self_attn.call((layer_norm1.forward(input.x), input.mask));
        return (x + mlp.call(layer_norm2.forward(x))).MoveToOuterDisposeScope();
    }
}

/// <summary>HF's CLIPEncoder: the layers under <c>encoder.layers.N</c>.</summary>
public sealed class ClipEncoder : nn.Module
{
    /// <summary>The layers <c>layers.0</c> … <c>layers.{num_hidden_layers-1}</c>.</summary>
    public readonly ModuleList<ClipEncoderLayer> layers;

    internal ClipEncoder(int layerCount, int hidden, int heads, int intermediate, double eps, Func<Tensor, Tensor> act) : base(nameof(ClipEncoder))
    {
        layers = nn.ModuleList(Enumerable.Range(0, layerCount)
            .Select(_ => new ClipEncoderLayer(hidden, heads, intermediate, eps, act)).ToArray());
        RegisterComponents();
    }

    /// <summary>Runs every layer (each in its own dispose scope). With <paramref name="keep"/> returns the input followed by
    /// each layer's output; otherwise frees each layer's input once the layer has run and returns only the last output.</summary>
    internal List<Tensor> Run(Tensor x, Tensor? mask, bool keep)
    {
        var states = new List<Tensor> { x };
        foreach (var layer in layers)
        {
            var next = layer.call((x, mask));
            if (!keep) x.Dispose();
            x = next;
            states.Add(x);
        }
        return keep ? states : [x];
    }
}
