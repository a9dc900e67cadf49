using BlairClip.Torch.Interop;

namespace BlairClip.Torch;

/// <summary>Timings taken entirely inside libtorch, to measure what the binding adds on top.</summary>
public static class NativeBenchmarks
{
    /// <summary>
    /// Seconds for <paramref name="iterations"/> n×n @ n×n matmuls of <paramref name="dtype"/> run in one native call
    /// (after one warm-up product; synchronised on CUDA), with no per-call binding overhead.
    /// </summary>
    public static double MatmulSeconds(long n, int iterations, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        NativeLoader.EnsureLoaded();
        var d = device ?? torch.CPU;
        NativeCheck.Status(RuntimeNative.bc_bench_matmul(n, iterations, (int)dtype, (int)d.type, d.index, out var seconds));
        return seconds;
    }
}
