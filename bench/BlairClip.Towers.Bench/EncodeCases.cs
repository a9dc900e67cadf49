using BlairClip.Towers.Clip;
using BlairClip.Towers.Roberta;

namespace BlairClip.Towers.Bench;

/// <summary>One benchmark case: a model with random weights and a forward pass over one fixed batch.</summary>
internal sealed record EncodeCase(string Name, int DefaultIterations, Func<(IDisposable Model, Action Forward)> Build);

/// <summary>
/// The cases of <c>encode</c>, with the same architectures, shapes and input distributions as pytorch_reference.py:
/// batch 32, 64 tokens (ids uniform in [3, vocab-1), no padding) or 224×224 N(0, 1) pixels.
/// </summary>
internal static class EncodeCases
{
    public const int Batch = 32, Tokens = 64;

    private static readonly RobertaConfig TinyRoberta = new()
    {
        vocab_size = 50265, hidden_size = 16, num_hidden_layers = 2, num_attention_heads = 4, intermediate_size = 37,
        max_position_embeddings = 514, type_vocab_size = 1, layer_norm_eps = 1e-5, pad_token_id = 1,
    };

    /// <summary>roberta-base / BLaIR size: 12 layers, 768 wide, 12 heads, 3072 intermediate.</summary>
    private static readonly RobertaConfig BaseRoberta = TinyRoberta with
    {
        hidden_size = 768, num_hidden_layers = 12, num_attention_heads = 12, intermediate_size = 3072,
    };

    private static readonly ClipTextConfig TinyClipText = new()
    {
        vocab_size = 49408, hidden_size = 32, num_hidden_layers = 2, num_attention_heads = 4, intermediate_size = 37,
        max_position_embeddings = 77, layer_norm_eps = 1e-5,
    };

    private static readonly ClipVisionConfig TinyClipVision = new()
    {
        hidden_size = 32, num_hidden_layers = 2, num_attention_heads = 4, intermediate_size = 37, image_size = 224,
        patch_size = 32, num_channels = 3, layer_norm_eps = 1e-5,
    };

    public static IEnumerable<EncodeCase> All()
    {
        yield return new("tiny-roberta", 50, () => Roberta(TinyRoberta));
        yield return new("tiny-clip-text", 50, () =>
        {
            var model = new ClipTextModelWithProjection(TinyClipText, 16);
            var (ids, mask) = Tokens_(TinyClipText.vocab_size);
            return (Owned(model, ids, mask), () => model.forward(ids, mask).Dispose());
        });
        yield return new("tiny-clip-vision", 50, () =>
        {
            var model = new ClipVisionModelWithProjection(TinyClipVision, 16);
            var pixels = torch.randn(Batch, 3, 224, 224).DetachFromDisposeScope();
            return (Owned(model, pixels), () => model.forward(pixels).Dispose());
        });
        yield return new("base-roberta", 3, () => Roberta(BaseRoberta));
    }

    private static (IDisposable, Action) Roberta(RobertaConfig config)
    {
        var model = new RobertaModel(config);
        var (ids, mask) = Tokens_(config.vocab_size);
        return (Owned(model, ids, mask), () => model.forward(ids, mask).Dispose());
    }

    private static (Tensor Ids, Tensor Mask) Tokens_(int vocab) =>
        (torch.randint(3, vocab - 1, [Batch, Tokens], ScalarType.Int64).DetachFromDisposeScope(),
         torch.ones(Batch, Tokens, ScalarType.Int64).DetachFromDisposeScope());

    private static IDisposable Owned(params IDisposable[] items) => new Disposables(items);

    private sealed class Disposables(IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var d in items) d.Dispose();
        }
    }
}
