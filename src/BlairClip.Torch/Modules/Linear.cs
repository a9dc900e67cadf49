using F = BlairClip.Torch.torch.nn.functional;

namespace BlairClip.Torch.Modules;

/// <summary>y = x Wᵀ + b: [*, in_features] → [*, out_features]. Weight [out, in] and bias [out] drawn from
/// U(-1/√in, 1/√in), PyTorch's default.</summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>[out_features, in_features].</summary>
    public readonly Parameter weight;
    /// <summary>[out_features], or null without bias.</summary>
    public readonly Parameter? bias;

    internal Linear(long in_features, long out_features, bool hasBias)
    {
        if (in_features <= 0 || out_features <= 0)
            throw new ArgumentOutOfRangeException(nameof(in_features), $"Linear({in_features}, {out_features}): sizes must be positive");
        var bound = 1.0 / Math.Sqrt(in_features);
        using (torch.NewDisposeScope())
        {
            weight = new Parameter(torch.empty([out_features, in_features]).uniform_(bound));
            bias = hasBias ? new Parameter(torch.empty([out_features]).uniform_(bound)) : null;
        }
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.linear(input, weight, bias);
}
