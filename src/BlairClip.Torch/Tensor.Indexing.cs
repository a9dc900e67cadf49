using BlairClip.Torch.Interop;

namespace BlairClip.Torch;

public partial class Tensor
{
    /// <summary>The slice at <paramref name="index"/> along <paramref name="dim"/>, which is removed.</summary>
    public Tensor select(long dim, long index) => W(TensorNative.bc_select(Handle, dim, index), this);

    /// <summary>Elements <paramref name="start"/> .. start+length-1 along <paramref name="dim"/> (a view).</summary>
    public Tensor narrow(long dim, long start, long length) => W(TensorNative.bc_narrow(Handle, dim, start, length), this);

    /// <summary>Python's <c>t[..., start:end:step, ...]</c> on <paramref name="dim"/> (a view; bounds are clamped).</summary>
    public Tensor slice(long dim, long start, long end, long step = 1) => W(TensorNative.bc_slice(Handle, dim, start, end, step), this);

    /// <summary>Rows <paramref name="index"/> (int64, 1-D) along <paramref name="dim"/>.</summary>
    public Tensor index_select(long dim, Tensor index) => W(TensorNative.bc_index_select(Handle, dim, index.Handle), this, index);

    /// <summary>out[i][j] = self[index[i][j]][j] for dim 0 (and likewise for other dims).</summary>
    public Tensor gather(long dim, Tensor index) => W(TensorNative.bc_gather(Handle, dim, index.Handle), this, index);

    /// <summary>Copy with <paramref name="value"/> where the (broadcast) bool <paramref name="mask"/> is true.</summary>
    public Tensor masked_fill(Tensor mask, double value) => W(TensorNative.bc_masked_fill(Handle, mask.Handle, value), this, mask);

    /// <summary>Lower triangle (elements with j - i &lt;= diagonal), zeros elsewhere.</summary>
    public Tensor tril(long diagonal = 0) => W(TensorNative.bc_tril(Handle, diagonal), this);

    /// <summary>Upper triangle (elements with j - i &gt;= diagonal), zeros elsewhere.</summary>
    public Tensor triu(long diagonal = 0) => W(TensorNative.bc_triu(Handle, diagonal), this);

    /// <summary>The <paramref name="k"/> largest (or smallest) values along <paramref name="dim"/> and their int64 indices.</summary>
    public (Tensor values, Tensor indices) topk(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        S(TensorNative.bc_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out var v, out var i), this);
        return (new Tensor(v), new Tensor(i));
    }

    /// <summary>Values sorted along <paramref name="dim"/> and the int64 permutation that sorts them.</summary>
    public (Tensor values, Tensor indices) sort(long dim = -1, bool descending = false)
    {
        S(TensorNative.bc_sort(Handle, dim, descending ? 1 : 0, out var v, out var i), this);
        return (new Tensor(v), new Tensor(i));
    }

    /// <summary>Index of the largest element of the flattened tensor (int64 scalar).</summary>
    public Tensor argmax() => W(OpsNative.bc_argminmax(Handle, 0, 0, 0, 0), this);

    /// <summary>Index of the largest element along <paramref name="dim"/>.</summary>
    public Tensor argmax(long dim, bool keepdim = false) => W(OpsNative.bc_argminmax(Handle, 0, dim, 1, keepdim ? 1 : 0), this);

    /// <summary>Index of the smallest element along <paramref name="dim"/>.</summary>
    public Tensor argmin(long dim, bool keepdim = false) => W(OpsNative.bc_argminmax(Handle, 1, dim, 1, keepdim ? 1 : 0), this);

    /// <summary>Python's <c>t[i]</c>: select along dim 0.</summary>
    public Tensor this[long index] => select(0, index);
}
