using System.Runtime.InteropServices;

namespace BlairClip.Images.Interop;

/// <summary>Declarations of Debian's <c>libwebp.so.7</c> simple decoding API and the only code that touches its
/// pointers.</summary>
internal static partial class LibWebPNative
{
    private const string Library = "libwebp.so.7";
    internal const string AptPackage = "libwebp7";

    [LibraryImport(Library)]
    private static unsafe partial int WebPGetInfo(byte* data, nuint dataSize, out int width, out int height);

    [LibraryImport(Library)]
    private static unsafe partial byte* WebPDecodeRGBInto(byte* data, nuint dataSize, byte* outputBuffer, nuint outputBufferSize, int outputStride);

    /// <summary>Reads the canvas size; false when the bitstream header is not valid WebP.</summary>
    internal static unsafe bool GetInfo(ReadOnlySpan<byte> webp, out int width, out int height)
    {
        fixed (byte* p = webp) return WebPGetInfo(p, (nuint)webp.Length, out width, out height) != 0;
    }

    /// <summary>Decodes into <paramref name="rgb"/> ([height, width, 3]). libwebp's RGB output ignores an alpha plane
    /// (no blending), like Pillow's <c>convert("RGB")</c>. False on a corrupt or truncated bitstream.</summary>
    internal static unsafe bool DecodeRgb(ReadOnlySpan<byte> webp, Span<byte> rgb, int width)
    {
        fixed (byte* src = webp)
        fixed (byte* dst = rgb)
            return WebPDecodeRGBInto(src, (nuint)webp.Length, dst, (nuint)rgb.Length, width * 3) != null;
    }
}
