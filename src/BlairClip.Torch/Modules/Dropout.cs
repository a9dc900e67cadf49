using F = BlairClip.Torch.torch.nn.functional;

namespace BlairClip.Torch.Modules;

/// <summary>Zeroes elements with probability p (scaling the rest by 1/(1-p)) in training mode; identity in eval.</summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    private readonly double _p;

    internal Dropout(double p)
    {
        if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
        _p = p;
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => F.dropout(input, _p, training);
}

/// <summary>An elementwise activation as a module (ReLU, Tanh, GELU), for use in <see cref="Sequential"/>.</summary>
public sealed class Activation : Module<Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor> _function;

    internal Activation(string name, Func<Tensor, Tensor> function)
    {
        Name = name;
        _function = function;
    }

    /// <summary>Activation name, e.g. "relu".</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => _function(input);
}
