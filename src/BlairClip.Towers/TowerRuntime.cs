using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp.Modules;

namespace BlairClip.Towers;

/// <summary>Device, precision and batch size of a loaded tower, parsed once from <see cref="TowerOptions"/>.</summary>
internal sealed record TowerRuntime(Device Device, ScalarType DType, int BatchSize)
{
    /// <summary>The libtorch this assembly was built against: cpu (TorchSharp-cpu) or cuda (TorchSharp-cuda-linux),
    /// from the build property TorchBackend.</summary>
    public static string Backend { get; } =
        typeof(TowerRuntime).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "TorchBackend")?.Value ?? "cpu";

    /// <summary>What a CPU build says when asked for CUDA.</summary>
    public const string CudaBuildHint =
        "this build runs TorchSharp on the CPU libtorch (TorchBackend=cpu); build with `dotnet build -p:TorchBackend=cuda` "
        + "(TorchSharp-cuda-linux) to use a GPU, see README, 'GPU builds'";

    /// <exception cref="ArgumentException">Unknown device or dtype, or a non-positive batch size (the message names the
    /// option and the value).</exception>
    /// <exception cref="NotSupportedException">CUDA asked of a CPU build (the message says how to build for CUDA), or of a
    /// machine whose libtorch sees no CUDA device.</exception>
    public static TowerRuntime From(TowerOptions? options)
    {
        options ??= new TowerOptions();
        if (options.BatchSize <= 0)
            throw new ArgumentException($"TowerOptions.BatchSize must be positive, but was {options.BatchSize}.", nameof(options));
        Device device;
        try { device = new Device(options.Device); }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw new ArgumentException($"TowerOptions.Device must be cpu, cuda or cuda:N, but was '{options.Device}'.", nameof(options), e);
        }
        var dtype = options.DType switch
        {
            TowerPrecision.Float32 => ScalarType.Float32,
            TowerPrecision.Bf16 => ScalarType.BFloat16,
            _ => throw new ArgumentException($"TowerOptions.DType must be Float32 or Bf16, but was {(int)options.DType}.", nameof(options)),
        };
        if (device.type == DeviceType.CUDA)
        {
            if (Backend != "cuda")
                throw new NotSupportedException($"TowerOptions.Device is '{options.Device}', but {CudaBuildHint}.");
            if (!torch.cuda.is_available())
                throw new NotSupportedException($"device '{options.Device}': this CUDA build's libtorch sees no CUDA device (check the driver with nvidia-smi, or use device: cpu).");
        }
        return new TowerRuntime(device, dtype, options.BatchSize);
    }

    /// <summary>Moves <paramref name="module"/> here (weights converted to <see cref="DType"/>); returns it.</summary>
    public T Place<T>(T module) where T : nn.Module
    {
        if (DType != ScalarType.Float32 || Device.type != DeviceType.CPU) module.to(Device, DType);
        return module;
    }

    /// <summary>A tensor of <paramref name="shape"/> on this device holding a copy of <paramref name="values"/> (row-major).</summary>
    public Tensor Tensor<T>(ReadOnlySpan<T> values, long[] shape) where T : unmanaged
    {
        var dtype = typeof(T) == typeof(float) ? ScalarType.Float32
            : typeof(T) == typeof(long) ? ScalarType.Int64
            : throw new NotSupportedException($"TowerRuntime.Tensor: {typeof(T).Name} is not used by the towers.");
        var cpu = torch.empty(shape, dtype);
        MemoryMarshal.AsBytes(values).CopyTo(cpu.bytes);
        return Device.type == DeviceType.CPU ? cpu : cpu.to(Device);
    }

    /// <summary>
    /// Tokenizes and embeds <paramref name="texts"/> <see cref="BatchSize"/> at a time under no_grad: <paramref name="embed"/>
    /// maps int64 ids and mask [rows, len] on this device to embeddings [rows, <paramref name="dimension"/>]; each row is
    /// L2-normalised into the returned row-major float32 array. Every batch's tensors are freed before the next.
    /// </summary>
    public float[] EncodeTexts(IReadOnlyList<string> texts, BlairClip.ML.Text.Tokenizers.ITextTokenizer tokenizer, int dimension,
        Func<Tensor, Tensor, Tensor> embed)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count * dimension];
        using var noGrad = torch.no_grad();
        for (var start = 0; start < texts.Count; start += BatchSize)
        {
            var count = Math.Min(BatchSize, texts.Count - start);
            var slice = start == 0 && count == texts.Count ? texts : Enumerable.Range(start, count).Select(i => texts[i]).ToArray();
            var batch = tokenizer.EncodeBatch(slice);
            using var scope = torch.NewDisposeScope();
            long[] shape = [batch.BatchSize, batch.Length];
            var embeds = embed(Tensor<long>(batch.InputIds, shape), Tensor<long>(batch.AttentionMask, shape));
            CopyNormalized(embeds, result.AsSpan(start * dimension, count * dimension));
        }
        return result;
    }

    /// <summary>L2-normalises <paramref name="embeds"/> [rows, dim] in float32 and copies them into <paramref name="destination"/>.</summary>
    public static void CopyNormalized(Tensor embeds, Span<float> destination)
    {
        using var scope = torch.NewDisposeScope();
        var normalized = torch.nn.functional.normalize(embeds.to(ScalarType.Float32), 2, 1).cpu().contiguous();
        normalized.data<float>().CopyTo(destination);
    }
}
