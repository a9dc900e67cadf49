using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace BlairClip.ML.Tests.IO;

/// <summary>Gzip members written by .NET's GZipStream, and the damaged forms the checked reader must refuse.</summary>
internal static class GzipBytes
{
    /// <summary>A member holding no bytes, as <c>gzip &lt; /dev/null</c> writes it: a 10-byte header, the empty final
    /// deflate block (03 00) and a zero trailer. (GZipStream writes nothing at all for no data.)</summary>
    public static byte[] EmptyMember() => [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>One complete member holding <paramref name="data"/> (<see cref="EmptyMember"/> when it is empty).</summary>
    public static byte[] Member(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return EmptyMember();
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }

    /// <summary>One complete member holding <paramref name="text"/> as UTF-8.</summary>
    public static byte[] Member(string text) => Member(Encoding.UTF8.GetBytes(text));

    /// <summary>A member holding <paramref name="data"/> cut right after a flush: everything written so far inflates,
    /// and no final block or trailer follows (what a writer killed after a flush leaves).</summary>
    public static byte[] CutAtFlush(ReadOnlySpan<byte> data)
    {
        var ms = new MemoryStream();
        var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true);
        gz.Write(data);
        gz.Flush();
        var cut = ms.ToArray();
        gz.Dispose();
        return cut;
    }

    /// <summary>The member without its 8-byte trailer.</summary>
    public static byte[] WithoutTrailer(byte[] member) => member[..^8];

    /// <summary>The member with one bit of its trailer's CRC32 flipped.</summary>
    public static byte[] WithWrongCrc(byte[] member)
    {
        var damaged = (byte[])member.Clone();
        damaged[^8] ^= 0x01;
        return damaged;
    }

    /// <summary>The member with its trailer's length (ISIZE) one too large.</summary>
    public static byte[] WithWrongLength(byte[] member)
    {
        var damaged = (byte[])member.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(damaged.AsSpan(damaged.Length - 4), BinaryPrimitives.ReadUInt32LittleEndian(damaged.AsSpan(damaged.Length - 4)) + 1);
        return damaged;
    }

    /// <summary>The parts one after another, as <c>cat a.gz b.gz</c> writes them.</summary>
    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
