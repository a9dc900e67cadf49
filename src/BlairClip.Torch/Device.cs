namespace BlairClip.Torch;

/// <summary>Device kinds; values are libtorch's <c>c10::DeviceType</c> codes.</summary>
public enum DeviceType { CPU = 0, CUDA = 1 }

/// <summary>A device such as <c>cpu</c> or <c>cuda:1</c>.</summary>
public sealed record Device(DeviceType type, int index = 0)
{
    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    /// <exception cref="ArgumentException">Any other text.</exception>
    public static Device Parse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':');
        var index = parts.Length == 2 && int.TryParse(parts[1], out var i) && i >= 0 ? i
            : parts.Length == 1 ? 0 : throw new ArgumentException($"device '{text}': expected cpu, cuda or cuda:N", nameof(text));
        return parts[0] switch
        {
            "cpu" => new Device(DeviceType.CPU, 0),
            "cuda" => new Device(DeviceType.CUDA, index),
            _ => throw new ArgumentException($"device '{text}': expected cpu, cuda or cuda:N", nameof(text)),
        };
    }

    /// <inheritdoc/>
    public override string ToString() => type == DeviceType.CPU ? "cpu" : $"cuda:{index}";
}
