using BlairClip.Torch.Interop;

namespace BlairClip.Torch;

public partial class Tensor
{
    private unsafe Tensor Reduce(ReduceOp op, long[]? dims, bool keepdim)
    {
        fixed (long* p = dims)
            return W(OpsNative.bc_reduce(Handle, op, p, dims?.Length ?? -1, keepdim ? 1 : 0), this);
    }

    /// <summary>Sum of all elements (scalar tensor).</summary>
    public Tensor sum() => Reduce(ReduceOp.Sum, null, false);
    /// <summary>Sum over <paramref name="dims"/>.</summary>
    public Tensor sum(long[] dims, bool keepdim = false) => Reduce(ReduceOp.Sum, dims, keepdim);
    /// <summary>Sum over <paramref name="dim"/>.</summary>
    public Tensor sum(long dim, bool keepdim = false) => Reduce(ReduceOp.Sum, [dim], keepdim);
    /// <summary>Mean of all elements (scalar tensor).</summary>
    public Tensor mean() => Reduce(ReduceOp.Mean, null, false);
    /// <summary>Mean over <paramref name="dims"/>.</summary>
    public Tensor mean(long[] dims, bool keepdim = false) => Reduce(ReduceOp.Mean, dims, keepdim);
    /// <summary>Mean over <paramref name="dim"/>.</summary>
    public Tensor mean(long dim, bool keepdim = false) => Reduce(ReduceOp.Mean, [dim], keepdim);
    /// <summary>Largest element (scalar tensor).</summary>
    public Tensor max() => Reduce(ReduceOp.Amax, null, false);
    /// <summary>Smallest element (scalar tensor).</summary>
    public Tensor min() => Reduce(ReduceOp.Amin, null, false);
    /// <summary>Largest value over <paramref name="dims"/> (no indices).</summary>
    public Tensor amax(long[] dims, bool keepdim = false) => Reduce(ReduceOp.Amax, dims, keepdim);
    /// <summary>Smallest value over <paramref name="dims"/> (no indices).</summary>
    public Tensor amin(long[] dims, bool keepdim = false) => Reduce(ReduceOp.Amin, dims, keepdim);
    /// <summary>log Σ exp(x) over <paramref name="dim"/>, computed stably.</summary>
    public Tensor logsumexp(long dim, bool keepdim = false) => Reduce(ReduceOp.LogSumExp, [dim], keepdim);
    /// <summary>Unbiased standard deviation over <paramref name="dim"/>.</summary>
    public Tensor std(long dim, bool keepdim = false) => Reduce(ReduceOp.Std, [dim], keepdim);
    /// <summary>Unbiased variance over <paramref name="dim"/>.</summary>
    public Tensor var(long dim, bool keepdim = false) => Reduce(ReduceOp.Var, [dim], keepdim);
    /// <summary>True if any element is non-zero (bool scalar).</summary>
    public Tensor any() => Reduce(ReduceOp.Any, null, false);
    /// <summary>True if every element is non-zero (bool scalar).</summary>
    public Tensor all() => Reduce(ReduceOp.All, null, false);

    /// <summary>Largest values along <paramref name="dim"/> and their int64 indices.</summary>
    public (Tensor values, Tensor indices) max(long dim, bool keepdim = false)
    {
        S(OpsNative.bc_minmax_dim(Handle, 0, dim, keepdim ? 1 : 0, out var v, out var i), this);
        return (new Tensor(v), new Tensor(i));
    }

    /// <summary>Smallest values along <paramref name="dim"/> and their int64 indices.</summary>
    public (Tensor values, Tensor indices) min(long dim, bool keepdim = false)
    {
        S(OpsNative.bc_minmax_dim(Handle, 1, dim, keepdim ? 1 : 0, out var v, out var i), this);
        return (new Tensor(v), new Tensor(i));
    }

    /// <summary>Vector p-norm (Σ|x|^p)^(1/p) of all elements, or over <paramref name="dims"/>.</summary>
    public unsafe Tensor norm(double p = 2, long[]? dims = null, bool keepdim = false)
    {
        fixed (long* d = dims)
            return W(OpsNative.bc_norm(Handle, p, d, dims?.Length ?? -1, keepdim ? 1 : 0), this);
    }
}
