using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace BlairClip.ML.IO;

/// <summary>Where one zip entry's data lies in the file. <see cref="Method"/> 0 = stored (readable in place),
/// 8 = deflate; <see cref="Crc32"/> as the central directory records it.</summary>
internal sealed record ZipEntryLocation(string Name, long DataOffset, long CompressedLength, long Length, int Method, uint Crc32);

/// <summary>Reads the central directory of a memory-mapped zip (zip64 included, which torch.save always writes) to
/// find each entry's data offset: torch.save stores storages uncompressed and 64-byte aligned, so a tensor can be
/// used in place — <see cref="System.IO.Compression.ZipArchive"/> only offers streams, which would force a copy.</summary>
internal static class ZipDirectory
{
    private const uint EndOfCentralDirectory = 0x06054b50, Zip64Locator = 0x07064b50, Zip64End = 0x06064b50;
    private const uint CentralHeader = 0x02014b50, LocalHeader = 0x04034b50;

    /// <exception cref="CheckpointFormatException">No end-of-central-directory record (not a zip or truncated), or
    /// a record pointing outside the file.</exception>
    public static Dictionary<string, ZipEntryLocation> Read(MappedFile file, string source)
    {
        long eocd = FindEndRecord(file, source);
        var end = file.Span(eocd, 22);
        long count = BinaryPrimitives.ReadUInt16LittleEndian(end[10..]);
        long dirOffset = BinaryPrimitives.ReadUInt32LittleEndian(end[16..]);
        if (eocd >= 20 && U32(file, eocd - 20) == Zip64Locator)
        {
            long zip64 = (long)U64(file, eocd - 20 + 8, source);
            var z = Slice(file, zip64, 56, source, "zip64 end record");
            if (BinaryPrimitives.ReadUInt32LittleEndian(z) != Zip64End)
                throw Corrupt(source, $"no zip64 end record at byte {zip64}");
            count = (long)BinaryPrimitives.ReadUInt64LittleEndian(z[32..]);
            dirOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(z[48..]);
        }
        var entries = new Dictionary<string, ZipEntryLocation>(StringComparer.Ordinal);
        long at = dirOffset;
        for (long i = 0; i < count; i++)
        {
            var h = Slice(file, at, 46, source, "central directory header");
            if (BinaryPrimitives.ReadUInt32LittleEndian(h) != CentralHeader) throw Corrupt(source, $"no central directory header at byte {at}");
            int method = BinaryPrimitives.ReadUInt16LittleEndian(h[10..]);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(h[16..]);
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]);
            long length = BinaryPrimitives.ReadUInt32LittleEndian(h[24..]);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h[30..]);
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(h[32..]);
            long local = BinaryPrimitives.ReadUInt32LittleEndian(h[42..]);
            var name = Encoding.UTF8.GetString(Slice(file, at + 46, nameLength, source, "entry name"));
            var extra = Slice(file, at + 46 + nameLength, extraLength, source, "extra field");
            ReadZip64Extra(extra, ref length, ref compressed, ref local);
            var lh = Slice(file, local, 30, source, $"local header of {name}");
            if (BinaryPrimitives.ReadUInt32LittleEndian(lh) != LocalHeader) throw Corrupt(source, $"no local header for {name} at byte {local}");
            long data = local + 30 + BinaryPrimitives.ReadUInt16LittleEndian(lh[26..]) + BinaryPrimitives.ReadUInt16LittleEndian(lh[28..]);
            if (data + compressed > file.Length)
                throw Corrupt(source, $"entry {name} needs bytes [{data}, {data + compressed}) of a {file.Length}-byte file");
            entries[name] = new ZipEntryLocation(name, data, compressed, length, method, crc);
            at += 46 + nameLength + extraLength + commentLength;
        }
        return entries;
    }

    /// <summary>The entry's bytes: in place when stored (unchecked), else inflated into a new array and checked
    /// against the entry's CRC32.</summary>
    /// <exception cref="CheckpointFormatException">A deflated entry that does not inflate or fails its CRC32; the
    /// message names the file and the entry.</exception>
    public static ReadOnlySpan<byte> Bytes(MappedFile file, ZipEntryLocation e, string source)
    {
        if (e.Length > int.MaxValue)
            throw new NotSupportedException($"{source}!{e.Name}: {e.Length} bytes, more than one span can address (2 GiB).");
        if (e.Method == 0) return file.Span(e.DataOffset, (int)e.Length);
        if (e.Method != 8) throw Corrupt(source, $"entry {e.Name} uses compression method {e.Method}; only stored (0) and deflate (8) are read");
        var result = new byte[e.Length];
        unsafe
        {
            fixed (byte* p = file.Span(e.DataOffset, (int)e.CompressedLength))
            {
                using var raw = new UnmanagedMemoryStream(p, e.CompressedLength);
                using var inflate = new DeflateStream(raw, CompressionMode.Decompress);
                try { inflate.ReadExactly(result); }
                catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
                {
                    throw Corrupt(source, $"entry {e.Name} is damaged: it does not inflate to {e.Length} bytes ({ex.Message})");
                }
            }
        }
        // A deflated entry is copied anyway, so its CRC32 costs little; stored ones (torch.save's tensor storages,
        // up to GBs) are mapped in place and would have to be read whole.
        uint crc = Crc32Ieee.Hash(result);
        if (crc != e.Crc32)
            throw Corrupt(source, $"entry {e.Name} is damaged: its CRC32 is {crc:X8}, but the zip directory records {e.Crc32:X8}");
        return result;
    }

    private static long FindEndRecord(MappedFile file, string source)
    {
        long last = file.Length - 22, first = Math.Max(0, last - ushort.MaxValue);
        for (long at = last; at >= first; at--)
            if (U32(file, at) == EndOfCentralDirectory) return at;
        throw Corrupt(source, "no end-of-central-directory record");
    }

    /// <summary>Fields of 0xFFFFFFFF in the central header live in the zip64 extra block (id 1), in this order.</summary>
    private static void ReadZip64Extra(ReadOnlySpan<byte> extra, ref long length, ref long compressed, ref long local)
    {
        while (extra.Length >= 4)
        {
            int id = BinaryPrimitives.ReadUInt16LittleEndian(extra), size = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            var block = extra.Slice(4, Math.Min(size, extra.Length - 4));
            if (id == 1)
            {
                int k = 0;
                if (length == uint.MaxValue && k + 8 <= block.Length) { length = (long)BinaryPrimitives.ReadUInt64LittleEndian(block[k..]); k += 8; }
                if (compressed == uint.MaxValue && k + 8 <= block.Length) { compressed = (long)BinaryPrimitives.ReadUInt64LittleEndian(block[k..]); k += 8; }
                if (local == uint.MaxValue && k + 8 <= block.Length) local = (long)BinaryPrimitives.ReadUInt64LittleEndian(block[k..]);
                return;
            }
            extra = extra[Math.Min(extra.Length, 4 + size)..];
        }
    }

    private static uint U32(MappedFile file, long at) => at < 0 || at + 4 > file.Length ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(file.Span(at, 4));

    private static ulong U64(MappedFile file, long at, string source) => BinaryPrimitives.ReadUInt64LittleEndian(Slice(file, at, 8, source, "zip64 locator"));

    private static ReadOnlySpan<byte> Slice(MappedFile file, long at, int length, string source, string what) =>
        at >= 0 && at + length <= file.Length ? file.Span(at, length)
            : throw Corrupt(source, $"{what} at byte {at} lies outside the {file.Length}-byte file");

    private static CheckpointFormatException Corrupt(string source, string detail) =>
        new($"{source}: not a readable zip archive ({detail}); the file may be truncated or corrupt.");
}
