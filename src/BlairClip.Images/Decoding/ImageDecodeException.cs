namespace BlairClip.Images.Decoding;

/// <summary>An image file could not be read or decoded (missing, unknown format, corrupt or truncated). The message
/// names the file (or the source name given for in-memory data) and the reason.</summary>
public sealed class ImageDecodeException(string source, string reason, Exception? inner = null)
    : Exception($"{source}: {reason}", inner)
{
    /// <summary>The file path or source name of the failing image.</summary>
    public string ImageSource { get; } = source;
}
