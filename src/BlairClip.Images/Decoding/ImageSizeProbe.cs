using System.Buffers.Binary;

namespace BlairClip.Images.Decoding;

/// <summary>Reads the width and height a JPEG, PNG or WebP file declares in its header, without decoding pixels or
/// loading a native library: what a caller needs to report large images for files it does not decode (e.g. ones
/// whose embeddings come from a cache). The decoder checks the same sizes with each format's own library.</summary>
public static class ImageSizeProbe
{
    /// <summary>The declared size, or null when the format is unknown or the header is cut or corrupt.</summary>
    public static (int Width, int Height)? Read(ReadOnlySpan<byte> data) => ImageFormatDetector.Detect(data) switch
    {
        ImageFormat.Png => Png(data),
        ImageFormat.Jpeg => Jpeg(data),
        ImageFormat.WebP => WebP(data),
        _ => null,
    };

    /// <summary>IHDR, the first chunk after the 8-byte signature: width and height big-endian at bytes 16 and 20.</summary>
    private static (int, int)? Png(ReadOnlySpan<byte> data) =>
        data.Length >= 24 && data[12..16].SequenceEqual("IHDR"u8)
            ? Size(BinaryPrimitives.ReadUInt32BigEndian(data[16..]), BinaryPrimitives.ReadUInt32BigEndian(data[20..]))
            : null;

    /// <summary>The first start-of-frame segment (SOF0–SOF15 but DHT C4, JPG C8, DAC CC): height and width
    /// big-endian after its length and precision. Segments before it (APPn with EXIF thumbnails, DQT, …) are skipped by
    /// their lengths.</summary>
    private static (int, int)? Jpeg(ReadOnlySpan<byte> data)
    {
        int at = 2;
        while (at + 4 <= data.Length)
        {
            if (data[at] != 0xFF) return null;
            byte marker = data[at + 1];
            if (marker == 0xFF) { at++; continue; }                                   // fill byte
            if (marker is 0x01 or (>= 0xD0 and <= 0xD8)) { at += 2; continue; }      // no length
            if (marker is 0xD9 or 0xDA) return null;                                  // end, or a scan before any frame
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 2)..]);
            if (length < 2) return null;
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
                return at + 9 <= data.Length
                    ? Size(BinaryPrimitives.ReadUInt16BigEndian(data[(at + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(data[(at + 5)..]))
                    : null;
            at += 2 + length;
        }
        return null;
    }

    /// <summary>RIFF/WEBP's first chunk: VP8X (canvas size − 1, 24-bit little-endian), VP8L (size − 1, 14 bits each
    /// after the 0x2F signature) or VP8 (14-bit sizes after the 9D 01 2A start code).</summary>
    private static (int, int)? WebP(ReadOnlySpan<byte> data)
    {
        if (data.Length < 30) return null;
        var chunk = data[12..16];
        if (chunk.SequenceEqual("VP8X"u8))
            return Size(1 + (data[24] | (uint)data[25] << 8 | (uint)data[26] << 16), 1 + (data[27] | (uint)data[28] << 8 | (uint)data[29] << 16));
        if (chunk.SequenceEqual("VP8L"u8))
        {
            if (data[20] != 0x2F) return null;
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            return Size(1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF));
        }
        if (chunk.SequenceEqual("VP8 "u8))
        {
            if (data[23] != 0x9D || data[24] != 0x01 || data[25] != 0x2A) return null;
            return Size(BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFFu, BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFFu);
        }
        return null;
    }

    private static (int, int)? Size(uint width, uint height) =>
        width is > 0 and <= int.MaxValue && height is > 0 and <= int.MaxValue ? ((int)width, (int)height) : null;
}
