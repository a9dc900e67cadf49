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
    public static string version => Native.TorchVersion();

    /// <summary>libtorch's build configuration (compiler, BLAS, CUDA…), as torch.__config__.show().</summary>
    public static string show_config() => Native.ShowConfig();

    /// <summary>Seeds every libtorch generator (CPU and CUDA).</summary>
    public static void manual_seed(long seed) => Native.ManualSeed(seed);

    /// <summary>Sets libtorch's intra-op thread count.</summary>
    public static void set_num_threads(int threads)
    {
        if (threads <= 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "must be positive");
        Native.SetNumThreads(threads);
    }

    /// <summary>libtorch's intra-op thread count.</summary>
    public static int get_num_threads() => Native.GetNumThreads();

    /// <summary>Opens a scope that disposes every tensor created inside it on this thread (see <see cref="DisposeScope"/>).</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>CUDA queries; all false/0 on a CPU-only libtorch.</summary>
    public static class cuda
    {
        /// <summary>True when libtorch was built with CUDA and a device is visible.</summary>
        public static bool is_available() => Native.CudaIsAvailable();

        /// <summary>Number of visible CUDA devices.</summary>
        public static int device_count() => Native.CudaDeviceCount();

        /// <summary>Waits for all work queued on device <paramref name="device"/>.</summary>
        /// <exception cref="TorchException">CUDA is not available.</exception>
        public static void synchronize(int device = 0) => Native.CudaSynchronize(device);
    }
}
