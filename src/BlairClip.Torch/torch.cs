using System.Runtime.InteropServices;
using BlairClip.Torch.Interop;

namespace BlairClip.Torch;

/// <summary>Entry point mirroring PyTorch's <c>torch</c> module: dtypes, devices, factories, math, autograd, I/O.</summary>
public static partial class torch
{
    /// <summary>32-bit float.</summary>
    public const ScalarType float32 = ScalarType.Float32;
    /// <summary>16-bit IEEE float.</summary>
    public const ScalarType float16 = ScalarType.Float16;
    /// <summary>bfloat16 (8-bit exponent, 7-bit mantissa).</summary>
    public const ScalarType bfloat16 = ScalarType.BFloat16;
    /// <summary>64-bit float (used for finite-difference gradient checks).</summary>
    public const ScalarType float64 = ScalarType.Float64;
    /// <summary>64-bit integer (indices).</summary>
    public const ScalarType int64 = ScalarType.Int64;
    /// <summary>32-bit integer.</summary>
    public const ScalarType int32 = ScalarType.Int32;
    /// <summary>Boolean.</summary>
    public const ScalarType @bool = ScalarType.Bool;

    /// <summary>The CPU.</summary>
    public static readonly Device CPU = new(DeviceType.CPU, 0);

    /// <summary>Parses <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>.</summary>
    public static Device device(string name) => Device.Parse(name);

    /// <summary>The libtorch version the shim was built against, e.g. "1.13.1".</summary>
    public static string version
    {
        get
        {
            NativeLoader.EnsureLoaded();
            return Marshal.PtrToStringUTF8(RuntimeNative.bc_torch_version()) ?? "";
        }
    }

    /// <summary>libtorch's build configuration (compiler, BLAS, CUDA…), as torch.__config__.show().</summary>
    public static string show_config()
    {
        NativeLoader.EnsureLoaded();
        var p = RuntimeNative.bc_show_config();
        if (p == IntPtr.Zero) NativeCheck.Throw();
        return Marshal.PtrToStringUTF8(p) ?? "";
    }

    /// <summary>Seeds every libtorch generator (CPU and CUDA).</summary>
    public static void manual_seed(long seed)
    {
        NativeLoader.EnsureLoaded();
        NativeCheck.Status(RuntimeNative.bc_manual_seed(seed));
    }

    /// <summary>Sets libtorch's intra-op thread count.</summary>
    public static void set_num_threads(int threads)
    {
        if (threads <= 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "must be positive");
        NativeLoader.EnsureLoaded();
        NativeCheck.Status(RuntimeNative.bc_set_num_threads(threads));
    }

    /// <summary>libtorch's intra-op thread count.</summary>
    public static int get_num_threads()
    {
        NativeLoader.EnsureLoaded();
        return (int)NativeCheck.Value(RuntimeNative.bc_get_num_threads());
    }

    /// <summary>Opens a scope that disposes every tensor created inside it on this thread (see <see cref="DisposeScope"/>).</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>CUDA queries; all false/0 on a CPU-only libtorch.</summary>
    public static class cuda
    {
        /// <summary>True when libtorch was built with CUDA and a device is visible.</summary>
        public static bool is_available()
        {
            NativeLoader.EnsureLoaded();
            return NativeCheck.Value(RuntimeNative.bc_cuda_is_available()) == 1;
        }

        /// <summary>Number of visible CUDA devices.</summary>
        public static int device_count()
        {
            NativeLoader.EnsureLoaded();
            return (int)NativeCheck.Value(RuntimeNative.bc_cuda_device_count());
        }

        /// <summary>Waits for all work queued on device <paramref name="device"/>.</summary>
        /// <exception cref="TorchException">CUDA is not available.</exception>
        public static void synchronize(int device = 0)
        {
            NativeLoader.EnsureLoaded();
            NativeCheck.Status(RuntimeNative.bc_cuda_synchronize(device));
        }
    }
}
