using BlairClip.Images.Interop;

namespace BlairClip.Images.Decoding;

/// <summary>Decodes JPEG, PNG and WebP files to 8-bit RGB the way Pillow's <c>Image.open(f).convert("RGB")</c> does:
/// greyscale is replicated into three channels, palettes are expanded, an alpha channel is dropped (no compositing),
/// CMYK JPEGs are read with Adobe (inverted) polarity and converted with Pillow's formula. Thread-safe.</summary>
/// <remarks>Known differences from Pillow, all outside the formats the H&amp;M catalog uses: 16-bit PNGs are reduced
/// to 8 bits by libpng (with its gamma handling) rather than by Pillow's high-byte truncation, and libpng applies a
/// PNG's gAMA chunk, which Pillow ignores.</remarks>
public static class ImageDecoder
{
    /// <summary>Images above this many pixels are refused before decoding, against decompression bombs: a 1 MB PNG can
    /// declare 20000 × 20000 pixels (1.2 GB of RGB). It is Pillow's default <c>Image.MAX_IMAGE_PIXELS</c>
    /// (89,478,485), above which Pillow warns; Pillow refuses only above twice it.</summary>
    public const long MaxPixels = 89_478_485;

    /// <summary>Images above this many pixels (half of <see cref="MaxPixels"/>) and up to <see cref="MaxPixels"/> decode,
    /// but callers report them as large (<see cref="IsLarge"/>): one such RGB image takes 134–268 MB, and a catalog of
    /// them is worth a warning. (Pillow warns, with DecompressionBombWarning, above its MAX_IMAGE_PIXELS, which
    /// <see cref="MaxPixels"/> equals, and refuses only above twice that; this decoder is stricter by half: it
    /// refuses from Pillow's warning size and warns from half of it.)</summary>
    public const long LargePixels = MaxPixels / 2;

    /// <summary>True when an image of this size is above <see cref="LargePixels"/> but not refused (at most
    /// <see cref="MaxPixels"/>).</summary>
    public static bool IsLarge(int width, int height) => (long)width * height is > LargePixels and <= MaxPixels;

    /// <summary>Reads and decodes one image file; the format comes from its first bytes.</summary>
    /// <returns>[height, width, 3] RGB pixels.</returns>
    /// <exception cref="ImageDecodeException">The file is missing or unreadable, of an unknown format, corrupt or
    /// truncated; the message names the file.</exception>
    /// <exception cref="ImageDecoderUnavailableException">The native library of the file's format is not installed.</exception>
    public static RgbImage Decode(string path)
    {
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, $"cannot read the file ({e.Message})", e);
        }
        return Decode(data, path);
    }

    /// <summary>Decodes an in-memory image; <paramref name="sourceName"/> is used in error messages.</summary>
    /// <inheritdoc cref="Decode(string)"/>
    public static RgbImage Decode(ReadOnlySpan<byte> data, string sourceName)
    {
        var format = ImageFormatDetector.Detect(data);
        try
        {
            return format switch
            {
                ImageFormat.Jpeg => DecodeJpeg(data, sourceName),
                ImageFormat.Png => DecodePng(data, sourceName),
                ImageFormat.WebP => DecodeWebP(data, sourceName),
                _ => throw new ImageDecodeException(sourceName,
                    $"not a JPEG, PNG or WebP file (first bytes {Convert.ToHexString(data[..Math.Min(8, data.Length)])}, {data.Length} bytes)"),
            };
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw MissingLibrary(format, e);
        }
    }

    /// <summary>The one error for a native library that cannot be loaded: it names the library and the apt package.</summary>
    internal static ImageDecoderUnavailableException MissingLibrary(ImageFormat format, Exception loadError) => format switch
    {
        ImageFormat.Jpeg => new("JPEG", "libturbojpeg.so.0", TurboJpegNative.AptPackage, loadError),
        ImageFormat.Png => new("PNG", "libpng16.so.16", LibPngNative.AptPackage, loadError),
        ImageFormat.WebP => new("WebP", "libwebp.so.7", LibWebPNative.AptPackage, loadError),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "no native decoder for this format"),
    };

    private static RgbImage DecodeJpeg(ReadOnlySpan<byte> data, string source)
    {
        using var decompressor = new TurboJpegNative.Decompressor();
        if (decompressor.ReadHeader(data, out var header) is { } headerFailure)
            throw new ImageDecodeException(source, $"corrupt JPEG header ({headerFailure.Message})");
        CheckSize(header.Width, header.Height, source);
        bool cmyk = header.Colorspace is TurboJpegNative.ColorspaceCmyk or TurboJpegNative.ColorspaceYcck;
        // libjpeg-turbo 2.1 has no CMYK -> RGB conversion (TJPF_RGB fails with "Unsupported color conversion"), so
        // CMYK is fetched as stored and converted below, as Pillow does.
        var buffer = new byte[(long)header.Width * header.Height * (cmyk ? 4 : 3)];
        var failure = decompressor.Decode(data, buffer, header, cmyk ? TurboJpegNative.PixelFormatCmyk : TurboJpegNative.PixelFormatRgb);
        // libjpeg only warns about a truncated stream and fills the rest with grey; Pillow raises "image file is
        // truncated", and so do we. Other warnings (e.g. stray bytes before a marker) are harmless, as in Pillow.
        if (failure is { } f && (!f.IsWarning || f.Message.Contains("Premature end", StringComparison.OrdinalIgnoreCase)))
            throw new ImageDecodeException(source, $"corrupt or truncated JPEG ({f.Message})");
        var pixels = cmyk ? CmykConversion.InvertedCmykToRgb(buffer) : buffer;
        return new RgbImage(header.Width, header.Height, pixels);
    }

    private static RgbImage DecodePng(ReadOnlySpan<byte> data, string source)
    {
        // The size is in the IHDR chunk right after the signature (bytes 16–23, big-endian): checked before libpng allocates.
        if (data.Length >= 24 && data[12..16].SequenceEqual("IHDR"u8))
            CheckSize((int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data[16..20]),
                (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data[20..24]), source);
        if (LibPngNative.Decode(data, out int width, out int height, out var rgb) is { } message)
            throw new ImageDecodeException(source, $"corrupt or truncated PNG (libpng: {message})");
        return new RgbImage(width, height, rgb);
    }

    private static RgbImage DecodeWebP(ReadOnlySpan<byte> data, string source)
    {
        if (!LibWebPNative.GetInfo(data, out int width, out int height))
            throw new ImageDecodeException(source, "corrupt WebP header");
        CheckSize(width, height, source);
        var rgb = new byte[(long)width * height * 3];
        if (!LibWebPNative.DecodeRgb(data, rgb, width))
            throw new ImageDecodeException(source, $"corrupt or truncated WebP bitstream ({width}x{height} declared)");
        return new RgbImage(width, height, rgb);
    }

    private static void CheckSize(int width, int height, string source)
    {
        if (width > 0 && height > 0 && (long)width * height > MaxPixels)
            throw new ImageDecodeException(source, $"image of {width}x{height} = {(long)width * height:N0} pixels is above the limit of {MaxPixels:N0} "
                + "(a possible decompression bomb; Pillow's default limit); refused before decoding");
        // A .NET array holds at most ~2^31 bytes; a header claiming more is corrupt for our purposes.
        if (width <= 0 || height <= 0 || (long)width * height * 4 > Array.MaxLength)
            throw new ImageDecodeException(source, $"unsupported image size {width}x{height} (width x height)");
    }
}
