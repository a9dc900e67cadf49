using System.Buffers.Binary;
using System.Text;

namespace BlairClip.ML.Tests.IO;

/// <summary>Finds an entry's records in a zip's bytes, so tests can damage exactly that entry.</summary>
internal static class ZipBytes
{
    private const uint CentralHeader = 0x02014b50;

    /// <summary>Offset of <paramref name="name"/>'s central directory header (method at +10, CRC32 at +16).</summary>
    public static int CentralHeaderOf(byte[] zip, string name)
    {
        var wanted = Encoding.UTF8.GetBytes(name);
        for (int at = 0; at + 46 <= zip.Length; at++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at)) != CentralHeader) continue;
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 28));
            if (zip.AsSpan(at + 46, nameLength).SequenceEqual(wanted)) return at;
        }
        throw new ArgumentException($"no central directory header for '{name}'");
    }

    /// <summary>Where <paramref name="name"/>'s compressed data lies (zips under 4 GiB, no zip64).</summary>
    public static (int Offset, int Length) DataOf(byte[] zip, string name)
    {
        int central = CentralHeaderOf(zip, name);
        int compressed = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(central + 20));
        int local = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(central + 42));
        int data = local + 30 + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(local + 26)) + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(local + 28));
        return (data, compressed);
    }
}
