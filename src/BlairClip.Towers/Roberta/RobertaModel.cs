using TorchSharp.Modules;
using BlairClip.Towers.Loading;

namespace BlairClip.Towers.Roberta;

/// <summary>Outputs of <see cref="RobertaModel.forward"/>; the caller owns (and disposes) the tensors.</summary>
/// <param name="last_hidden_state">[batch, len, hidden]: output of the last layer, padded positions included.</param>
/// <param name="hidden_states">With output_hidden_states, num_hidden_layers + 1 tensors [batch, len, hidden]: embeddings, then
/// each layer's output; otherwise empty.</param>
/// <param name="pooler_output">[batch, hidden] = tanh(pooler.dense(h[:, 0])), or null when the checkpoint has no pooler.</param>
public sealed record RobertaModelOutput(Tensor last_hidden_state, IReadOnlyList<Tensor> hidden_states, Tensor? pooler_output) : IDisposable
{
    /// <summary>BLaIR's embedding: h[:, 0] / max(‖h[:, 0]‖₂, 1e-12) of <see cref="last_hidden_state"/>, [batch, hidden].</summary>
    public Tensor ClsNormalized() => torch.nn.functional.normalize(last_hidden_state.select(1, 0), 2, 1);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var h in hidden_states) h.Dispose();
        last_hidden_state.Dispose();
        pooler_output?.Dispose();
    }
}

/// <summary>
/// Hugging Face's <c>RobertaModel</c> (as BLaIR, <c>hyp1231/blair-roberta-base</c>, uses it) in inference form:
/// padding-aware positions, post-LN layers, additive attention mask, tanh pooler. Module names are the
/// checkpoint keys (<c>embeddings.word_embeddings.weight</c>, <c>encoder.layer.N.…</c>, <c>pooler.dense.*</c>).
/// </summary>
public sealed class RobertaModel : nn.Module
{
#pragma warning disable IDE1006
    /// <summary>Word + token-type + position embeddings and their LayerNorm.</summary>
    public readonly RobertaEmbeddings embeddings;
    /// <summary>The post-LN layers.</summary>
    public readonly RobertaEncoder encoder;
    /// <summary>tanh(dense(h[:, 0])); unused when <see cref="HasPooler"/> is false.</summary>
    public readonly RobertaPooler pooler;
#pragma warning restore IDE1006

    /// <summary>A randomly initialised model of <paramref name="config"/> (load weights with <see cref="FromPretrained"/>).</summary>
    public RobertaModel(RobertaConfig config) : base(nameof(RobertaModel))
    {
        Config = config;
        var act = Activations.Get(config.hidden_act, "config", "hidden_act");
        embeddings = new RobertaEmbeddings(config);
        encoder = new RobertaEncoder(config, act);
        pooler = new RobertaPooler(config);
        RegisterComponents();
        eval();
    }

    /// <summary>The architecture.</summary>
    public RobertaConfig Config { get; }

    /// <summary>False when the checkpoint had no <c>pooler.*</c> keys (a head model's <c>roberta.</c> body): then
    /// <see cref="RobertaModelOutput.pooler_output"/> is null rather than random.</summary>
    public bool HasPooler { get; private set; } = true;

    /// <summary>What loading did with the checkpoint's keys (empty lists for a model not loaded from files).</summary>
    public LoadReport LoadReport { get; private set; } = new([], [], []);

    /// <summary>
    /// Loads <paramref name="folder"/>/config.json and its weights (<c>model.safetensors</c>, <c>pytorch_model.bin</c> or
    /// sharded, via <see cref="CheckpointTensors.Load"/>). Keys may carry a <c>roberta.</c> prefix (head models);
    /// <c>lm_head.*</c>, <c>classifier.*</c> and stored <c>position_ids</c>/<c>token_type_ids</c> buffers are ignored; the
    /// pooler may be absent.
    /// </summary>
    /// <exception cref="StateDictException">Strict and a key is missing or unexpected (all named), or a shape differs
    /// (tensor and both shapes named).</exception>
    public static RobertaModel FromPretrained(string folder, bool strict = true)
    {
        var config = RobertaConfig.FromFile(Path.Combine(folder, "config.json"));
        var model = new RobertaModel(config);
        try
        {
            var report = StateDictLoader.Load(model, CheckpointTensors.Load(folder), Mapping, folder, strict);
            model.LoadReport = report;
            model.HasPooler = !report.MissingKeys.Any(k => k.StartsWith("pooler.", StringComparison.Ordinal));
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    internal static readonly KeyMapping Mapping = new(
        StripPrefixes: ["roberta."],
        AddPrefixes: [],
        Ignore: k => k.StartsWith("lm_head.", StringComparison.Ordinal) || k.StartsWith("classifier.", StringComparison.Ordinal)
            || k is "embeddings.position_ids" or "embeddings.token_type_ids",
        Optional: k => k.StartsWith("pooler.", StringComparison.Ordinal));

    /// <summary>
    /// Runs the model on int64 <paramref name="input_ids"/> [batch, len] with <paramref name="attention_mask"/>
    /// [batch, len] (1 = token, 0 = padding; default: ids ≠ pad). Positions: cumsum(m)·m + pad_token_id with
    /// m = (ids ≠ pad). Temporaries are freed by a dispose scope; the returned tensors belong to the caller's scope.
    /// Without <paramref name="output_hidden_states"/> each layer's input is freed as soon as the layer has run.
    /// </summary>
    /// <exception cref="ArgumentException">The ids are not 2-D or longer than max_position_embeddings - pad_token_id - 1.</exception>
    public RobertaModelOutput forward(Tensor input_ids, Tensor? attention_mask = null, bool output_hidden_states = false)
    {
        var shape = input_ids.shape;
        var capacity = Config.max_position_embeddings - Config.pad_token_id - 1;
        if (shape.Length != 2 || shape[1] > capacity)
            throw new ArgumentException(
                $"input_ids must be [batch, len] with len <= {capacity} (max_position_embeddings - pad_token_id - 1), but was [{string.Join(", ", shape)}].",
                nameof(input_ids));
        using var scope = torch.NewDisposeScope();
        var dtype = embeddings.word_embeddings.weight!.dtype;
        var pad = Config.pad_token_id;
        var isToken = input_ids.ne(torch.tensor(pad, ScalarType.Int64, input_ids.device)).to(ScalarType.Int64);
        var positionIds = isToken.cumsum(1) * isToken + (long)pad;
        var mask = Attention.PaddingMask(attention_mask ?? isToken, dtype);

        var h = embeddings.call((input_ids, positionIds));
        var states = new List<Tensor> { h };
        foreach (var layer in encoder.layer)
        {
            var next = layer.call((h, mask));
            if (!output_hidden_states) h.Dispose();
            h = next;
            states.Add(h);
        }
        if (!output_hidden_states) states.Clear();
        var pooled = HasPooler ? pooler.call(h) : null;
        foreach (var s in states) s.MoveToOuterDisposeScope();
        if (!output_hidden_states) h.MoveToOuterDisposeScope();
        pooled?.MoveToOuterDisposeScope();
        return new RobertaModelOutput(h, states, pooled);
    }
}
