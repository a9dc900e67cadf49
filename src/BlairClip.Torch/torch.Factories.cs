using BlairClip.ML.IO;
using System.Runtime.InteropServices;

namespace BlairClip.Torch;

public static partial class torch
{
    private static Tensor Factory(int kind, long[] shape, double value, ScalarType dtype, Device? device, bool requires_grad) =>
        Native.Factory(kind, shape, value, dtype, device ?? CPU, requires_grad);

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
    public static Tensor randint(long low, long high, long[] shape, ScalarType dtype = int64, Device? device = null) =>
        Native.RandInt(low, high, shape, dtype, device ?? CPU);

    /// <summary>start, start+step, … below <paramref name="end"/>.</summary>
    public static Tensor arange(double start, double end, double step = 1, ScalarType dtype = int64, Device? device = null) =>
        Native.Arange(start, end, step, dtype, device ?? CPU);

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
    public static Tensor from_array<T>(ReadOnlySpan<T> data, long[] shape, Device? device = null, bool requires_grad = false) where T : unmanaged =>
        Native.FromBytes(MemoryMarshal.AsBytes(data), ScalarTypes.Of<T>(), shape, device ?? CPU, requires_grad);

    /// <summary>A copy of <paramref name="data"/> as a tensor of <paramref name="shape"/>.</summary>
    public static Tensor from_array<T>(T[] data, long[] shape, Device? device = null, bool requires_grad = false) where T : unmanaged =>
        from_array((ReadOnlySpan<T>)data, shape, device, requires_grad);

    /// <summary>
    /// A tensor from little-endian contiguous bytes, as stored in safetensors and <c>pytorch_model.bin</c> storages.
    /// </summary>
    /// <exception cref="TorchException">bytes.Length differs from numel(shape) × element size.</exception>
    public static Tensor from_bytes(ReadOnlySpan<byte> bytes, SafeTensorDType dtype, long[] shape, Device? device = null) =>
        Native.FromBytes(bytes, ScalarTypes.FromSafeTensor(dtype), shape, device ?? CPU, false);
}
