using BlairClip.Torch;
using BlairClip.Torch.Modules;

namespace BlairClip.Towers;

/// <summary>Device and precision of a loaded tower, parsed once from <see cref="TowerOptions"/>.</summary>
internal sealed record TowerRuntime(Device Device, ScalarType DType)
{
    /// <summary>Rows per forward pass inside EncodeTexts/EncodeImages: bounds activation memory for long lists.</summary>
    public const int ChunkSize = 32;

    /// <exception cref="ArgumentException">Unknown device or dtype (the message names the option and the value).</exception>
    public static TowerRuntime From(TowerOptions? options)
    {
        options ??= new TowerOptions();
        Device device;
        try { device = Device.Parse(options.Device); }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new ArgumentException($"TowerOptions.Device must be cpu, cuda or cuda:N, but was '{options.Device}'.", nameof(options), e);
        }
        var dtype = options.DType.ToLowerInvariant() switch
        {
            "float32" or "fp32" => ScalarType.Float32,
            "bf16" or "bfloat16" => ScalarType.BFloat16,
            _ => throw new ArgumentException($"TowerOptions.DType must be float32 or bf16, but was '{options.DType}'.", nameof(options)),
        };
        if (device.type == DeviceType.CUDA && !torch.cuda.is_available())
            throw new ArgumentException($"TowerOptions.Device is '{options.Device}' but libtorch sees no CUDA device.", nameof(options));
        return new TowerRuntime(device, dtype);
    }

    /// <summary>Moves <paramref name="module"/> here (weights converted to <see cref="DType"/>); returns it.</summary>
    public T Place<T>(T module) where T : Module
    {
        if (DType != ScalarType.Float32 || Device.type != DeviceType.CPU) module.to(Device, DType);
        return module;
    }

    /// <summary>L2-normalises <paramref name="embeds"/> [rows, dim] in float32 and copies them into <paramref name="destination"/>.</summary>
    public static void CopyNormalized(Tensor embeds, Span<float> destination)
    {
        using var scope = torch.NewDisposeScope();
        var normalized = torch.nn.functional.normalize(embeds.to(ScalarType.Float32), 2, 1).cpu();
        normalized.CopyTo(destination);
    }
}
