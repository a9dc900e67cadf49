namespace BlairClip.Torch.Modules;

/// <summary>
/// A module's trainable tensor: a leaf that requires grad by default, owned by its module (never by a dispose scope).
/// </summary>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps the data of <paramref name="data"/> (detached) as a leaf parameter.</summary>
    public Parameter(Tensor data, bool requires_grad = true) : base(Detached(data))
    {
        DetachFromDisposeScope();
        this.requires_grad = requires_grad;
    }

    private static IntPtr Detached(Tensor data)
    {
        var d = data.detach();
        d.DetachFromDisposeScope();
        return d.TakeHandle();
    }
}
