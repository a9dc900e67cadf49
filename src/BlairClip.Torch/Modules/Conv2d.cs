using F = BlairClip.Torch.torch.nn.functional;

namespace BlairClip.Torch.Modules;

/// <summary>2-D convolution [N, C_in, H, W] → [N, C_out, H', W'] with a square kernel; weight
/// [C_out, C_in/groups, k, k] and bias [C_out] ~ U(-1/√fan_in, 1/√fan_in), fan_in = C_in/groups·k².</summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    /// <summary>[out_channels, in_channels/groups, k, k].</summary>
    public readonly Parameter weight;
    /// <summary>[out_channels], or null.</summary>
    public readonly Parameter? bias;
    private readonly long _stride, _padding, _dilation, _groups;

    internal Conv2d(long in_channels, long out_channels, long kernel_size, long stride, long padding, long dilation, long groups, bool hasBias)
    {
        if (groups <= 0 || in_channels % groups != 0 || out_channels % groups != 0)
            throw new ArgumentException($"Conv2d: in_channels {in_channels} and out_channels {out_channels} must be divisible by groups {groups}");
        (_stride, _padding, _dilation, _groups) = (stride, padding, dilation, groups);
        var bound = 1.0 / Math.Sqrt(in_channels / groups * kernel_size * kernel_size);
        using (torch.NewDisposeScope())
        {
            weight = new Parameter(torch.empty([out_channels, in_channels / groups, kernel_size, kernel_size]).uniform_(bound));
            bias = hasBias ? new Parameter(torch.empty([out_channels]).uniform_(bound)) : null;
        }
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) =>
        F.conv2d(input, weight, bias, (_stride, _stride), (_padding, _padding), (_dilation, _dilation), _groups);
}
