using System.Runtime.InteropServices;
using BlairClip.Torch.Interop;

namespace BlairClip.Torch;

/// <summary>
/// A libtorch tensor. Owns one native reference; <see cref="Dispose"/> releases it (views keep their base alive
/// natively). Tensors created inside a <see cref="DisposeScope"/> are freed with it.
/// </summary>
public partial class Tensor : IDisposable
{
    private TensorHandle _handle;
    private DisposeScope? _scope;

    internal Tensor(IntPtr handle)
    {
        NativeLoader.EnsureLoaded();
        _handle = new TensorHandle(handle);
        _scope = DisposeScope.Current;
        _scope?.Add(this);
    }

    /// <summary>The raw <c>at::Tensor*</c>; only valid while this object is alive (callers pass <c>this</c> to <see cref="W"/>).</summary>
    internal IntPtr Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => _handle.IsClosed;

    // Wraps a native result. The tensors passed stay reachable until the native call has returned, so the
    // finalizer cannot free an argument mid-call.
    internal static Tensor W(IntPtr result, Tensor? a, Tensor? b = null, Tensor? c = null, Tensor? d = null)
    {
        GC.KeepAlive(a); GC.KeepAlive(b); GC.KeepAlive(c); GC.KeepAlive(d);
        return NativeCheck.Tensor(result);
    }

    internal static void S(int rc, Tensor? a, Tensor? b = null, Tensor? c = null, Tensor? d = null)
    {
        GC.KeepAlive(a); GC.KeepAlive(b); GC.KeepAlive(c); GC.KeepAlive(d);
        NativeCheck.Status(rc);
    }

    internal static IntPtr H(Tensor? t) => t?.Handle ?? IntPtr.Zero;

    /// <summary>Releases the native reference now.</summary>
    public void Dispose()
    {
        _scope?.Remove(this);
        _scope = null;
        _handle.Dispose();
    }

    internal void DisposeFromScope()
    {
        _scope = null;
        _handle.Dispose();
    }

    /// <summary>Moves this tensor from its dispose scope to the enclosing one (or to none); returns this.</summary>
    public Tensor MoveToOuterScope()
    {
        var outer = _scope?.Outer;
        _scope?.Remove(this);
        _scope = outer;
        outer?.Add(this);
        return this;
    }

    /// <summary>Removes this tensor from every dispose scope: the caller now owns it. Returns this.</summary>
    public Tensor DetachFromDisposeScope()
    {
        _scope?.Remove(this);
        _scope = null;
        return this;
    }

    /// <summary>Points this object at another tensor's storage (used by <c>Module.to</c> to keep parameter identity).</summary>
    internal void ReplaceWith(Tensor source)
    {
        var alias = W(TensorNative.bc_alias(source.Handle), source);
        alias.DetachFromDisposeScope();
        var old = _handle;
        _handle = alias._handle;
        old.Dispose();
    }

    /// <summary>Number of dimensions.</summary>
    public int ndim => (int)NativeCheck.Value(Keep(TensorNative.bc_ndim(Handle)));

    /// <summary>Sizes of every dimension.</summary>
    public unsafe long[] shape
    {
        get
        {
            var n = ndim;
            var result = new long[n];
            fixed (long* p = result) S(TensorNative.bc_shape(Handle, p, n), this);
            return result;
        }
    }

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public long size(int dim)
    {
        var s = shape;
        var d = dim < 0 ? dim + s.Length : dim;
        if (d < 0 || d >= s.Length)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"tensor has {s.Length} dimensions");
        return s[d];
    }

    /// <summary>Number of elements.</summary>
    public long numel() => NativeCheck.Value(Keep(TensorNative.bc_numel(Handle)));

    /// <summary>Element type.</summary>
    public ScalarType dtype => (ScalarType)NativeCheck.Value(Keep(TensorNative.bc_dtype(Handle)));

    /// <summary>Device holding the data.</summary>
    public Device device
    {
        get
        {
            S(TensorNative.bc_device(Handle, out var type, out var index), this);
            return new Device((DeviceType)type, index);
        }
    }

    private long Keep(long value)
    {
        GC.KeepAlive(this);
        return value;
    }

    /// <summary>Returns this tensor on <paramref name="device"/> (the same tensor object's data if already there, as a new handle).</summary>
    public Tensor to(Device device) => W(TensorNative.bc_to(Handle, -1, (int)device.type, device.index, 0), this);

    /// <summary>Returns this tensor converted to <paramref name="dtype"/>.</summary>
    public Tensor to(ScalarType dtype) => W(TensorNative.bc_to(Handle, (int)dtype, -1, 0, 0), this);

    /// <summary>Returns this tensor converted to <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    public Tensor to(ScalarType dtype, Device device) =>
        W(TensorNative.bc_to(Handle, (int)dtype, (int)device.type, device.index, 0), this);

    /// <summary>Parses <paramref name="device"/> (<c>cpu</c>, <c>cuda:N</c>) and moves there.</summary>
    public Tensor to(string device) => to(Device.Parse(device));

    /// <summary>Copy on the CPU.</summary>
    public Tensor cpu() => to(torch.CPU);

    /// <summary>Copies the elements (row-major, any device) into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not match <see cref="dtype"/>.</exception>
    /// <exception cref="TorchException">The destination length differs from <see cref="numel"/>.</exception>
    public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        var type = dtype;
        if (type.ElementSize() != sizeof(T) || (ScalarTypes.Of<T>() != type && !(type == ScalarType.BFloat16 && typeof(T) == typeof(ushort))))
            throw new ArgumentException($"cannot copy a {type} tensor into a {typeof(T).Name} buffer; convert with .to(dtype) first");
        fixed (T* p = destination)
            S(TensorNative.bc_copy_to_host(Handle, p, (long)destination.Length * sizeof(T)), this);
    }

    /// <summary>The elements as a new array, row-major.</summary>
    public T[] data<T>() where T : unmanaged
    {
        var result = new T[numel()];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>The raw little-endian bytes of the elements, row-major (any dtype).</summary>
    public unsafe byte[] bytes()
    {
        var result = new byte[numel() * dtype.ElementSize()];
        fixed (byte* p = result) S(TensorNative.bc_copy_to_host(Handle, p, result.Length), this);
        return result;
    }

    /// <summary>The single element of a one-element tensor.</summary>
    /// <exception cref="TorchException">The tensor has more than one element.</exception>
    public double item()
    {
        S(TensorNative.bc_item(Handle, out var value), this);
        return value;
    }

    /// <summary>The single element converted to <typeparamref name="T"/>.</summary>
    public T item<T>() where T : unmanaged, System.Numerics.INumberBase<T> => T.CreateTruncating(item());

    /// <inheritdoc/>
    public override string ToString() =>
        IsDisposed ? "tensor(disposed)" : $"tensor(shape=[{string.Join(", ", shape)}], dtype={dtype}, device={device})";
}

public partial class Tensor
{
    /// <summary>Gives up ownership of the native handle (this object becomes disposed) and returns it.</summary>
    internal IntPtr TakeHandle()
    {
        var h = Handle;
        _handle.SetHandleAsInvalid();
        _scope?.Remove(this);
        _scope = null;
        return h;
    }
}
