using F = BlairClip.Torch.torch.nn.functional;

namespace BlairClip.Torch.Modules;

/// <summary>(x - E[x]) / √(Var[x] + eps) · weight + bias over the trailing dims; weight = 1, bias = 0 initially.</summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    /// <summary>[normalized_shape], or null without affine.</summary>
    public readonly Parameter? weight;
    /// <summary>[normalized_shape], or null without affine.</summary>
    public readonly Parameter? bias;
    private readonly long[] _shape;
    private readonly double _eps;

    internal LayerNorm(long[] normalized_shape, double eps, bool elementwise_affine)
    {
        _shape = normalized_shape;
        _eps = eps;
        if (elementwise_affine)
            using (torch.NewDisposeScope())
            {
                weight = new Parameter(torch.ones(normalized_shape));
                bias = new Parameter(torch.zeros(normalized_shape));
            }
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.layer_norm(input, _shape, weight, bias, _eps);
}
