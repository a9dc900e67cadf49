using BlairClip.ML.Core;

namespace BlairClip.Towers.Encoding;

/// <summary>Checks and resolutions shared by the two tower encoders (over their common <see cref="TowerEncoderOptions"/>).</summary>
internal static class EncoderSettings
{
    /// <exception cref="InvalidOptionException">An option is out of range (named as in YAML).</exception>
    public static void Validate(TowerEncoderOptions options, string inputColumn, string outputColumn)
    {
        InvalidOptionException.Check(!string.IsNullOrWhiteSpace(options.Checkpoint), "checkpoint", options.Checkpoint, "must name a Hugging Face checkpoint folder");
        InvalidOptionException.Check(!string.IsNullOrWhiteSpace(inputColumn), "input_column", inputColumn, "must name a column");
        InvalidOptionException.Check(!string.IsNullOrWhiteSpace(outputColumn), "output_column", outputColumn, "must name a column");
        InvalidOptionException.Check(options.BatchSize > 0, "batch_size", options.BatchSize, "must be positive");
        ValidateDevice(options.Device, options.Dtype);
    }

    /// <summary>Checks the <c>device</c> and <c>dtype</c> options — with the study, before any data is loaded, rather
    /// than when the first tower is built.</summary>
    /// <exception cref="InvalidOptionException">Not cpu/cuda/cuda:N, CUDA on a CPU build, or an unknown dtype.</exception>
    public static void ValidateDevice(string device, TowerPrecision dtype)
    {
        InvalidOptionException.Check(IsDevice(device), "device", device, "must be cpu, cuda or cuda:N");
        InvalidOptionException.Check(Enum.IsDefined(dtype), "dtype", (int)dtype, "must be float32 or bf16");
        InvalidOptionException.Check(!device.StartsWith("cuda", StringComparison.Ordinal) || TowerRuntime.Backend == "cuda",
            "device", device, "needs a CUDA build: " + TowerRuntime.CudaBuildHint);
    }

    /// <summary>True for <c>cpu</c>, <c>cuda</c> and <c>cuda:N</c> (N a non-negative integer).</summary>
    public static bool IsDevice(string device) =>
        device is "cpu" or "cuda"
        || device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.AsSpan(5), System.Globalization.NumberStyles.None, null, out _);

    /// <summary>The cache folder: <paramref name="cacheDir"/> resolved against the study folder, or the default.</summary>
    public static string CacheDirectory(BlairClipContext context, string? cacheDir) =>
        string.IsNullOrWhiteSpace(cacheDir) ? EmbeddingCache.DefaultDirectory() : context.ResolvePath(cacheDir);

    /// <summary>The checkpoint folder, resolved against the study folder, with a clear error when it is missing.</summary>
    /// <exception cref="DirectoryNotFoundException">No such folder; the message names the option and both paths.</exception>
    public static string CheckpointDirectory(BlairClipContext context, string checkpoint)
    {
        var dir = context.ResolvePath(checkpoint);
        return Directory.Exists(dir) ? dir
            : throw new DirectoryNotFoundException($"`checkpoint` '{checkpoint}' is not a folder (resolved to {dir} against {context.BaseDirectory}).");
    }
}
