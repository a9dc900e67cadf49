using System.Runtime.InteropServices;
using BlairClip.Torch.Interop;

namespace BlairClip.Torch;

/// <summary>
/// Start-up check that libtorch multiplies matrices with an optimised BLAS. Debian's libtorch links the
/// <c>libblas.so.3</c> alternative, which is the reference BLAS (~1 GFLOP/s) unless OpenBLAS or MKL provides it.
/// </summary>
internal static class BlasCheck
{
    /// <summary>Below this, a 256x256 float32 matmul is running on the reference BLAS (measured here: reference
    /// ~7 GFLOP/s, OpenBLAS 50-80 GFLOP/s on two shared cores).</summary>
    internal const double MinimumGflops = 15.0;

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
                $"(libtorch {BlasInfo(config)}).");
        }
    }

    /// <summary>The BLAS_INFO entry of at::show_config() ("BLAS_INFO=generic" for Debian's build).</summary>
    private static string BlasInfo(string config)
    {
        var start = config.IndexOf("BLAS_INFO=", StringComparison.Ordinal);
        return start < 0 ? "BLAS_INFO unknown" : config[start..].Split(',', '\n')[0];
    }

    /// <summary>Every mapped BLAS library of this process from /proc/self/maps, comma-separated (Debian's
    /// reference BLAS is <c>/usr/lib/&lt;arch&gt;/blas/libblas.so.3</c>; OpenBLAS lives in <c>openblas-*</c>).</summary>
    private static string ReadBlasLibrary()
    {
        try
        {
            return string.Join(", ", File.ReadLines("/proc/self/maps")
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
                .Where(p => p.Contains("blas", StringComparison.OrdinalIgnoreCase) && p.StartsWith('/'))
                .Distinct());
        }
        catch (IOException) { return ""; }
    }
}
