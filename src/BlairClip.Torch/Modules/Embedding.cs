using F = BlairClip.Torch.torch.nn.functional;

namespace BlairClip.Torch.Modules;

/// <summary>Lookup table: int64 ids [*] → [*, embedding_dim]; weight [num_embeddings, embedding_dim] ~ N(0, 1).</summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    /// <summary>[num_embeddings, embedding_dim].</summary>
    public readonly Parameter weight;
    private readonly long _paddingIdx;

    internal Embedding(long num_embeddings, long embedding_dim, long? padding_idx)
    {
        if (padding_idx is { } p && (p < 0 || p >= num_embeddings))
            throw new ArgumentOutOfRangeException(nameof(padding_idx), padding_idx, $"must be in [0, {num_embeddings})");
        _paddingIdx = padding_idx ?? -1;
        using (torch.NewDisposeScope())
        {
            var w = torch.randn([num_embeddings, embedding_dim]);
            if (padding_idx is { } row) using (torch.no_grad()) w.select(0, row).zero_();
            weight = new Parameter(w);
        }
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.embedding(input, weight, _paddingIdx);
}
