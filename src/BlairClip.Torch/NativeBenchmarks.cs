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
        if (n <= 0 || iterations <= 0) throw new ArgumentOutOfRangeException(nameof(n), $"n ({n}) and iterations ({iterations}) must be positive");
        return Native.BenchMatmul(n, iterations, dtype, device ?? torch.CPU);
    }
}
