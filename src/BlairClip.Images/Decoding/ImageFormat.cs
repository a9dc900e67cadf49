namespace BlairClip.Images.Decoding;

/// <summary>Container formats the decoder understands, told apart by their first bytes (never by file extension).</summary>
public enum ImageFormat
{
    Unknown,
    /// <summary>Starts with FF D8 FF (SOI marker followed by another marker).</summary>
    Jpeg,
    /// <summary>Starts with the 8-byte signature 89 'P' 'N' 'G' 0D 0A 1A 0A.</summary>
    Png,
    /// <summary>RIFF container: "RIFF", 4-byte size, "WEBP".</summary>
    WebP,
}

/// <summary>Magic-byte sniffing.</summary>
public static class ImageFormatDetector
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The format whose signature <paramref name="data"/> starts with, or <see cref="ImageFormat.Unknown"/>.</summary>
    public static ImageFormat Detect(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return ImageFormat.Jpeg;
        if (data.StartsWith(PngSignature)) return ImageFormat.Png;
        if (data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8)) return ImageFormat.WebP;
        return ImageFormat.Unknown;
    }
}
