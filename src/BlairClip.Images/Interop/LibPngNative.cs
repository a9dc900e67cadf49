using System.Runtime.InteropServices;

namespace BlairClip.Images.Interop;

/// <summary>Declarations of Debian's <c>libpng16.so.16</c> "simplified API" (<c>png_image</c>) and the only code that
/// touches its pointers. The simplified API expands greyscale, palette and 16-bit data to the requested 8-bit
/// format itself.</summary>
internal static partial class LibPngNative
{
    private const string Library = "libpng16.so.16";
    internal const string AptPackage = "libpng16-16";

    private const uint ImageVersion = 1;           // PNG_IMAGE_VERSION
    internal const uint FormatFlagAlpha = 0x01;    // PNG_FORMAT_FLAG_ALPHA
    internal const uint FormatFlagColor = 0x02;    // PNG_FORMAT_FLAG_COLOR
    internal const uint FormatRgb = FormatFlagColor;
    internal const uint FormatRgba = FormatFlagColor | FormatFlagAlpha;

    /// <summary>Mirror of <c>png_image</c> (png.h, libpng 1.6).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct PngImage
    {
        public nint Opaque;
        public uint Version;
        public uint Width;
        public uint Height;
        public uint Format;
        public uint Flags;
        public uint ColormapEntries;
        public uint WarningOrError;
        public fixed byte Message[64];
    }

    [LibraryImport(Library)]
    private static unsafe partial int png_image_begin_read_from_memory(PngImage* image, byte* memory, nuint size);

    [LibraryImport(Library)]
    private static unsafe partial int png_image_finish_read(PngImage* image, void* background, byte* buffer, int rowStride, void* colormap);

    [LibraryImport(Library)]
    private static unsafe partial void png_image_free(PngImage* image);

    /// <summary>Decodes a PNG to 8-bit RGB. Images with an alpha channel are read as RGBA and the alpha byte is dropped
    /// (Pillow's <c>convert("RGB")</c>), not composited on a background as <c>png_image_finish_read</c> would do for an
    /// RGB request. Returns the error message of libpng, or null on success.</summary>
    internal static unsafe string? Decode(ReadOnlySpan<byte> png, out int width, out int height, out byte[] rgb)
    {
        width = height = 0;
        rgb = [];
        var image = new PngImage { Version = ImageVersion };
        fixed (byte* src = png)
        {
            try
            {
                if (png_image_begin_read_from_memory(&image, src, (nuint)png.Length) == 0) return MessageOf(&image);
                bool alpha = (image.Format & FormatFlagAlpha) != 0;
                int channels = alpha ? 4 : 3;
                // A .NET array holds at most ~2^31 bytes; a header claiming more is treated as corrupt.
                if (image.Width == 0 || image.Height == 0 || (ulong)image.Width * image.Height * (ulong)channels > (ulong)Array.MaxLength)
                    return $"unsupported image size {image.Width}x{image.Height} (width x height)";
                width = (int)image.Width;
                height = (int)image.Height;
                var buffer = new byte[(long)width * height * channels];
                image.Format = alpha ? FormatRgba : FormatRgb;
                fixed (byte* dst = buffer)
                {
                    if (png_image_finish_read(&image, null, dst, width * channels, null) == 0) return MessageOf(&image);
                }
                rgb = alpha ? DropAlpha(buffer, width * height) : buffer;
                return null;
            }
            finally
            {
                // Safe after a failed begin/finish too: png_image_free does nothing once opaque is NULL.
                png_image_free(&image);
            }
        }
    }

    private static byte[] DropAlpha(byte[] rgba, int pixels)
    {
        var rgb = new byte[pixels * 3];
        for (int i = 0, j = 0; i < pixels; i++, j += 4)
        {
            rgb[3 * i] = rgba[j];
            rgb[3 * i + 1] = rgba[j + 1];
            rgb[3 * i + 2] = rgba[j + 2];
        }
        return rgb;
    }

    private static unsafe string MessageOf(PngImage* image)
    {
        var text = Marshal.PtrToStringUTF8((nint)image->Message) ?? "";
        return text.Length == 0 ? "libpng reported an error without a message" : text;
    }
}
