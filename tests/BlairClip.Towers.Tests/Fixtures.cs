using System.Runtime.InteropServices;
using System.Text.Json;

namespace BlairClip.Towers.Tests;

/// <summary>Paths and arrays of the photo-free fixtures (Fixtures/SOURCE.md) and, when present, the shared folder.</summary>
internal static class Fixtures
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Fixtures");
    public static string TinyRoberta => Path.Combine(Dir, "tiny-roberta");
    public static string TinyClip => Path.Combine(Dir, "tiny-clip");

    private static readonly Lazy<JsonElement> _expected = new(() => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Dir, "expected.json"))).RootElement.Clone());

    /// <summary>expected.json's root.</summary>
    public static JsonElement Expected => _expected.Value;

    /// <summary>An array entry {dtype, shape, data|file} of expected.json as float32 values, with its shape.</summary>
    public static (float[] Data, long[] Shape) Floats(JsonElement entry, string? baseDir = null)
    {
        var shape = entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        if (entry.TryGetProperty("data", out var data))
            return (data.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray(), shape);
        var bytes = File.ReadAllBytes(Path.Combine(baseDir ?? Dir, entry.GetProperty("file").GetString()!));
        return (MemoryMarshal.Cast<byte, float>(bytes).ToArray(), shape);
    }

    /// <summary>An int64 array entry.</summary>
    public static (long[] Data, long[] Shape) Longs(JsonElement entry) =>
        (entry.GetProperty("data").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
         entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray());

    /// <summary>A texts array.</summary>
    public static string[] Strings(JsonElement entry) => entry.EnumerateArray().Select(e => e.GetString()!).ToArray();

    /// <summary>The tolerance of an output of a set: its override, else the default.</summary>
    public static double Tolerance(JsonElement set, string output)
    {
        var tol = set.GetProperty("tolerance_abs");
        return tol.TryGetProperty("overrides", out var o) && o.TryGetProperty(output, out var v) ? v.GetDouble() : tol.GetProperty("default").GetDouble();
    }

    /// <summary>
    /// The read-only shared folder (env BLAIRCLIP_SHARED, else ../shared beside the repository root), or null with
    /// the reason it is not there. Tests use it only for data that may not live in the repository.
    /// </summary>
    public static (string? Path, string Reason) Shared()
    {
        var env = Environment.GetEnvironmentVariable("BLAIRCLIP_SHARED");
        if (!string.IsNullOrEmpty(env))
            return Directory.Exists(env) ? (env, "") : (null, $"BLAIRCLIP_SHARED='{env}' does not exist");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BlairClip.ML.sln")))
            {
                var candidate = Path.Combine(dir.Parent?.FullName ?? dir.FullName, "shared");
                return Directory.Exists(candidate) ? (candidate, "") : (null, $"neither BLAIRCLIP_SHARED nor {candidate} exists");
            }
        return (null, "BLAIRCLIP_SHARED is unset and no repository root (BlairClip.ML.sln) was found above the test binaries");
    }

    /// <summary>Pixel values [3, 3, 224, 224] of the three synthetic test cards: their stored u8 crops through the
    /// tiny-clip preprocessor's rescale + normalise (README steps 4-5).</summary>
    public static float[] SyntheticPixelValues()
    {
        var processor = BlairClip.Images.Preprocessing.ClipImageProcessor.FromFile(Path.Combine(TinyClip, "preprocessor_config.json"));
        var cases = Expected.GetProperty("clip_preprocess_extra").GetProperty("cases").EnumerateArray().ToArray();
        var names = Strings(Expected.GetProperty("tiny-clip-synthetic").GetProperty("images"));
        var result = new float[names.Length * processor.ValuesPerImage];
        for (var i = 0; i < names.Length; i++)
        {
            var crop = cases.Single(c => c.GetProperty("file").GetString() == names[i]).GetProperty("crop_rgb_u8").GetProperty("file").GetString()!;
            processor.Normalize(File.ReadAllBytes(Path.Combine(Dir, crop)), result.AsSpan(i * processor.ValuesPerImage, processor.ValuesPerImage));
        }
        return result;
    }
}

/// <summary>Max-abs-difference comparison that names the output and the worst index.</summary>
internal static class Close
{
    public static void Check(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double tolerance, string name)
    {
        actual.Length.Should().Be(expected.Length, $"{name} has as many values as expected");
        double worst = 0;
        var at = -1;
        for (var i = 0; i < actual.Length; i++)
        {
            var d = Math.Abs((double)actual[i] - expected[i]);
            if (double.IsNaN(d) || d > worst) (worst, at) = (double.IsNaN(d) ? double.PositiveInfinity : d, i);
        }
        worst.Should().BeLessThanOrEqualTo(tolerance,
            $"{name}: max |actual - expected| at flat index {at} (actual {(at >= 0 ? actual[at] : 0)}, expected {(at >= 0 ? expected[at] : 0)})");
    }

    public static void Check(Tensor actual, (float[] Data, long[] Shape) expected, double tolerance, string name)
    {
        actual.shape.Should().Equal(expected.Shape, $"{name} shape");
        Check(actual.to(ScalarType.Float32).cpu().data<float>().ToArray(), expected.Data, tolerance, name);
    }
}
