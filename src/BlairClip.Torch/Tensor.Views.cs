using BlairClip.Torch.Interop;

namespace BlairClip.Torch;

public partial class Tensor
{
    /// <summary>Same elements with shape <paramref name="shape"/> (one entry may be -1); a view when possible.</summary>
    public unsafe Tensor reshape(params long[] shape)
    {
        fixed (long* p = shape) return W(TensorNative.bc_reshape(Handle, p, shape.Length), this);
    }

    /// <summary>A view with shape <paramref name="shape"/>; fails when the strides do not allow one.</summary>
    public unsafe Tensor view(params long[] shape)
    {
        fixed (long* p = shape) return W(TensorNative.bc_view(Handle, p, shape.Length), this);
    }

    /// <summary>A view with dimensions reordered: result dim i is input dim <paramref name="dims"/>[i].</summary>
    public unsafe Tensor permute(params long[] dims)
    {
        fixed (long* p = dims) return W(TensorNative.bc_permute(Handle, p, dims.Length), this);
    }

    /// <summary>A view broadcasting size-1 dimensions to <paramref name="shape"/> (-1 keeps a size).</summary>
    public unsafe Tensor expand(params long[] shape)
    {
        fixed (long* p = shape) return W(TensorNative.bc_expand(Handle, p, shape.Length), this);
    }

    /// <summary>Tiles the tensor <paramref name="repeats"/>[i] times along dim i (copies).</summary>
    public unsafe Tensor repeat(params long[] repeats)
    {
        fixed (long* p = repeats) return W(TensorNative.bc_repeat(Handle, p, repeats.Length), this);
    }

    /// <summary>A view with <paramref name="dim0"/> and <paramref name="dim1"/> swapped.</summary>
    public Tensor transpose(long dim0, long dim1) => W(TensorNative.bc_transpose(Handle, dim0, dim1), this);

    /// <summary>Removes every size-1 dimension.</summary>
    public Tensor squeeze() => W(TensorNative.bc_squeeze(Handle, 0, 0), this);

    /// <summary>Removes dimension <paramref name="dim"/> if its size is 1.</summary>
    public Tensor squeeze(long dim) => W(TensorNative.bc_squeeze(Handle, dim, 1), this);

    /// <summary>Inserts a size-1 dimension at <paramref name="dim"/>.</summary>
    public Tensor unsqueeze(long dim) => W(TensorNative.bc_unsqueeze(Handle, dim), this);

    /// <summary>Merges dimensions <paramref name="start_dim"/>..<paramref name="end_dim"/> into one.</summary>
    public Tensor flatten(long start_dim = 0, long end_dim = -1) => W(TensorNative.bc_flatten(Handle, start_dim, end_dim), this);

    /// <summary>Row-major copy when the strides are not already row-major, else the same data.</summary>
    public Tensor contiguous() => W(TensorNative.bc_contiguous(Handle), this);

    /// <summary>A copy that stays in the autograd graph.</summary>
    public Tensor clone() => W(TensorNative.bc_clone(Handle), this);

    /// <summary>Same data, cut from the autograd graph.</summary>
    public Tensor detach() => W(TensorNative.bc_detach(Handle), this);

    /// <summary>A second handle to the same tensor (same data, same autograd identity).</summary>
    public Tensor alias() => W(TensorNative.bc_alias(Handle), this);

    /// <summary>Splits into <paramref name="chunks"/> views along <paramref name="dim"/> (the last may be smaller).</summary>
    public unsafe Tensor[] chunk(long chunks, long dim = 0)
    {
        if (chunks <= 0) throw new ArgumentOutOfRangeException(nameof(chunks), chunks, "chunks must be positive");
        var handles = new IntPtr[chunks];
        int count;
        fixed (IntPtr* p = handles) count = TensorNative.bc_chunk(Handle, chunks, dim, p);
        GC.KeepAlive(this);
        if (count < 0) NativeCheck.Throw();
        return handles.Take(count).Select(h => new Tensor(h)).ToArray();
    }
}
