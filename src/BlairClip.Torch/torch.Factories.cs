using BlairClip.ML.IO;
using BlairClip.Torch.Interop;

namespace BlairClip.Torch;

public static partial class torch
{
    private static unsafe Tensor Factory(int kind, long[] shape, double value, ScalarType dtype, Device? device, bool requires_grad)
    {
        NativeLoader.EnsureLoaded();
        var d = device ?? CPU;
        fixed (long* p = shape)
            return NativeCheck.Tensor(TensorNative.bc_factory(kind, p, shape.Length, value, (int)dtype, (int)d.type, d.index, requires_grad ? 1 : 0));
    }

    /// <summary>Uninitialised tensor of <paramref name="shape"/>.</summary>
    public static Tensor empty(long[] shape, ScalarType dtype = float32, Device? device = null, bool requires_grad = false) =>
        Factory(0, shape, 0, dtype, device, requires_grad);

    /// <summary>Tensor of zeros.</summary>
    public static Tensor zeros(long[] shape, ScalarType dtype = float32, Device? device = null, bool requires_grad = false) =>
        Factory(1, shape, 0, dtype, device, requires_grad);

    /// <summary>Tensor of ones.</summary>
    public static Tensor ones(long[] shape, ScalarType dtype = float32, Device? device = null, bool requires_grad = false) =>
        Factory(2, shape, 0, dtype, device, requires_grad);

    /// <summary>Tensor filled with <paramref name="value"/>.</summary>
    public static Tensor full(long[] shape, double value, ScalarType dtype = float32, Device? device = null, bool requires_grad = false) =>
        Factory(3, shape, value, dtype, device, requires_grad);

    /// <summary>U[0, 1) draws.</summary>
    public static Tensor rand(long[] shape, ScalarType dtype = float32, Device? device = null, bool requires_grad = false) =>
        Factory(4, shape, 0, dtype, device, requires_grad);

    /// <summary>N(0, 1) draws.</summary>
    public static Tensor randn(long[] shape, ScalarType dtype = float32, Device? device = null, bool requires_grad = false) =>
        Factory(5, shape, 0, dtype, device, requires_grad);

    /// <summary>Uniform integers in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static unsafe Tensor randint(long low, long high, long[] shape, ScalarType dtype = int64, Device? device = null)
    {
        NativeLoader.EnsureLoaded();
        var d = device ?? CPU;
        fixed (long* p = shape)
            return NativeCheck.Tensor(TensorNative.bc_randint(low, high, p, shape.Length, (int)dtype, (int)d.type, d.index));
    }

    /// <summary>start, start+step, … below <paramref name="end"/>.</summary>
    public static Tensor arange(double start, double end, double step = 1, ScalarType dtype = int64, Device? device = null)
    {
        NativeLoader.EnsureLoaded();
        var d = device ?? CPU;
        return NativeCheck.Tensor(TensorNative.bc_arange(start, end, step, (int)dtype, (int)d.type, d.index));
    }

    /// <summary>0, 1, …, end-1 as int64.</summary>
    public static Tensor arange(long end, Device? device = null) => arange(0, end, 1, int64, device);

    /// <summary>A copy of <paramref name="data"/> (row-major) with <paramref name="shape"/> (default: 1-D).</summary>
    /// <exception cref="TorchException">The shape does not hold data.Length elements.</exception>
    public static Tensor tensor<T>(T[] data, long[]? shape = null, Device? device = null, bool requires_grad = false) where T : unmanaged =>
        from_array(data, shape ?? [data.Length], device, requires_grad);

    /// <summary>A scalar (0-D) tensor.</summary>
    public static Tensor tensor(double value, ScalarType dtype = float32, Device? device = null) =>
        full([], value, dtype, device);

    /// <summary>A copy of <paramref name="data"/> as a tensor of <paramref name="shape"/>.</summary>
    public static unsafe Tensor from_array<T>(ReadOnlySpan<T> data, long[] shape, Device? device = null, bool requires_grad = false) where T : unmanaged
    {
        fixed (T* p = data)
            return FromBytes(p, (long)data.Length * sizeof(T), ScalarTypes.Of<T>(), shape, device, requires_grad);
    }

    /// <summary>A copy of <paramref name="data"/> as a tensor of <paramref name="shape"/>.</summary>
    public static Tensor from_array<T>(T[] data, long[] shape, Device? device = null, bool requires_grad = false) where T : unmanaged =>
        from_array((ReadOnlySpan<T>)data, shape, device, requires_grad);

    /// <summary>
    /// A tensor from little-endian contiguous bytes, as stored in safetensors and <c>pytorch_model.bin</c> storages.
    /// </summary>
    /// <exception cref="TorchException">bytes.Length differs from numel(shape) × element size.</exception>
    public static unsafe Tensor from_bytes(ReadOnlySpan<byte> bytes, SafeTensorDType dtype, long[] shape, Device? device = null)
    {
        fixed (byte* p = bytes)
            return FromBytes(p, bytes.Length, ScalarTypes.FromSafeTensor(dtype), shape, device, false);
    }

    private static unsafe Tensor FromBytes(void* data, long nbytes, ScalarType dtype, long[] shape, Device? device, bool requiresGrad)
    {
        NativeLoader.EnsureLoaded();
        var d = device ?? CPU;
        fixed (long* s = shape)
            return NativeCheck.Tensor(TensorNative.bc_from_data(data, nbytes, s, shape.Length, (int)dtype, (int)d.type, d.index, requiresGrad ? 1 : 0));
    }
}
