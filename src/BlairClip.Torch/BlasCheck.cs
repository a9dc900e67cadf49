using System.Runtime.InteropServices;
using BlairClip.Torch.Interop;

namespace BlairClip.Torch;

/// <summary>
/// Start-up check that libtorch multiplies matrices with an optimised BLAS. Debian's libtorch links the
/// <c>libblas.so.3</c> alternative, which is the reference BLAS (~1 GFLOP/s) unless OpenBLAS or MKL provides it.
/// </summary>
internal static class BlasCheck
{
    /// <summary>Below this, a 256x256 float32 matmul is running on the reference BLAS (OpenBLAS does &gt; 20).</summary>
    internal const double MinimumGflops = 4.0;

    internal static double? MeasuredGflops { get; private set; }

    internal static void WarnIfReferenceBlas()
    {
        if (Environment.GetEnvironmentVariable("BLAIRCLIP_TORCH_SKIP_BLAS_CHECK") == "1") return;
        var config = Marshal.PtrToStringUTF8(RuntimeNative.bc_show_config()) ?? "";
        var blasLibrary = ReadBlasLibrary();
        const long n = 256;
        const int iterations = 8;
        if (RuntimeNative.bc_bench_matmul(n, iterations, (int)ScalarType.Float32, 0, 0, out var seconds) != 0)
        {
            RuntimeNative.bc_clear_error();
            return;
        }
        MeasuredGflops = 2.0 * n * n * n * iterations / seconds / 1e9;
        if (MeasuredGflops < MinimumGflops || blasLibrary.Contains("/blas/libblas", StringComparison.Ordinal))
        {
            Console.Error.WriteLine(
                $"WARNING: libtorch matmul runs at {MeasuredGflops:F1} GFLOP/s (BLAS: {blasLibrary}); this is the " +
                "reference BLAS. Install an optimised one: sudo apt-get install libopenblas0-pthread " +
                $"(libtorch config: {(config.Contains("BLAS_INFO=") ? config[config.IndexOf("BLAS_INFO=", StringComparison.Ordinal)..].Split('\n')[0] : "unknown BLAS")})");
        }
    }

    /// <summary>The file behind libblas.so.3 in this process, from /proc/self/maps (empty when not mapped).</summary>
    private static string ReadBlasLibrary()
    {
        try
        {
            return File.ReadLines("/proc/self/maps")
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
                .FirstOrDefault(p => p.Contains("blas", StringComparison.OrdinalIgnoreCase)) ?? "";
        }
        catch (IOException) { return ""; }
    }
}
