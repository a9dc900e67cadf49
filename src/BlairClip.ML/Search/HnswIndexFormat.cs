using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace BlairClip.ML.Search;

/// <summary>
/// The binary file of an <see cref="HnswIndex"/>'s graph, version <see cref="Version"/>; little-endian throughout.
/// <code>
/// offset  size  field
///      0     8  magic "BCHNSW\r\n"
///      8     4  format version (int32, 1)
///     12     4  dimension
///     16     4  count (nodes = rows)
///     20     4  M            24  4  ef_construction   28  4  ef_search   32  4  seed
///     36     4  max level (−1 when empty)              40  4  entry point (−1 when empty)
///     44     4  zero
///     48     8  XxHash64 of the vectors' float32 bytes (<see cref="VectorFingerprint"/>)
///     56     8  upper-layer link ints (int64; = Σ levels × (M + 1))
///     64  count        levels, one byte a node
///      …  count × (2M + 1) × 4   layer 0: per node the link count, then 2M slots
///      …  upper × 4              layers ≥ 1: per node of level L ≥ 1, L blocks of (count, M slots), layer 1 first
///      …     8  XxHash64 of every byte before it
/// </code>
/// Unused slots are zero, so a graph has exactly one encoding.
/// </summary>
internal static class HnswIndexFormat
{
    /// <summary>The format version this build writes and reads.</summary>
    public const int Version = 1;

    private const int HeaderBytes = 64;
    private static ReadOnlySpan<byte> Magic => "BCHNSW\r\n"u8;

    public static void Write(Stream stream, HnswGraph graph, HnswOptions options, int dim, VectorFingerprint fingerprint)
    {
        RequireLittleEndian();
        var hash = new XxHash64();
        Span<byte> header = stackalloc byte[HeaderBytes];
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], dim);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], graph.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], graph.M);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], options.EfConstruction);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], options.EfSearch);
        BinaryPrimitives.WriteInt32LittleEndian(header[32..], options.Seed);
        BinaryPrimitives.WriteInt32LittleEndian(header[36..], graph.MaxLevel);
        BinaryPrimitives.WriteInt32LittleEndian(header[40..], graph.EntryPoint);
        BinaryPrimitives.WriteUInt64LittleEndian(header[48..], fingerprint.Hash);
        BinaryPrimitives.WriteInt64LittleEndian(header[56..], graph.Upper.LongLength);
        Put(stream, hash, header);
        Put(stream, hash, graph.Levels);
        Put(stream, hash, MemoryMarshal.AsBytes(graph.Layer0.AsSpan()));
        Put(stream, hash, MemoryMarshal.AsBytes(graph.Upper.AsSpan()));
        Span<byte> trailer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(trailer, hash.GetCurrentHashAsUInt64());
        stream.Write(trailer);
    }

    /// <summary>The graph, options (threads 0) and vectors' fingerprint of a file <see cref="Write"/> wrote.</summary>
    /// <exception cref="InvalidDataException">Wrong magic or version, truncated, checksum mismatch, or an impossible value.</exception>
    public static (HnswGraph Graph, HnswOptions Options, VectorFingerprint Fingerprint) Read(Stream stream)
    {
        RequireLittleEndian();
        var hash = new XxHash64();
        Span<byte> header = stackalloc byte[HeaderBytes];
        Take(stream, hash, header, "header");
        if (!header[..8].SequenceEqual(Magic))
            throw new InvalidDataException($"Not an HNSW index file: it starts with bytes {Convert.ToHexString(header[..8])}, not the magic \"BCHNSW\\r\\n\".");
        int version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (version != Version)
            throw new InvalidDataException($"HNSW index format version {version} is not supported; this build reads version {Version}. Rebuild the index.");
        int dim = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        int count = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        int m = BinaryPrimitives.ReadInt32LittleEndian(header[20..]);
        var options = new HnswOptions
        {
            M = m,
            EfConstruction = BinaryPrimitives.ReadInt32LittleEndian(header[24..]),
            EfSearch = BinaryPrimitives.ReadInt32LittleEndian(header[28..]),
            Seed = BinaryPrimitives.ReadInt32LittleEndian(header[32..]),
        };
        int maxLevel = BinaryPrimitives.ReadInt32LittleEndian(header[36..]);
        int entry = BinaryPrimitives.ReadInt32LittleEndian(header[40..]);
        ulong vectorsHash = BinaryPrimitives.ReadUInt64LittleEndian(header[48..]);
        long upperInts = BinaryPrimitives.ReadInt64LittleEndian(header[56..]);
        if (dim <= 0 || count < 0 || m < 2 || options.EfConstruction < m || options.EfSearch < 1)
            throw Corrupt($"impossible header values (dimension {dim}, count {count}, M {m}, ef_construction {options.EfConstruction}, ef_search {options.EfSearch})");

        if (stream.CanSeek)
        {
            // Before allocating: a file shorter than its header promises is truncated (a cheap, clear refusal).
            // In double: a corrupt header's values may overflow a long.
            double needed = count + (double)count * (2.0 * m + 1) * 4 + upperInts * 4.0 + 8;
            if (upperInts < 0 || stream.Length - stream.Position < needed)
                throw new InvalidDataException($"The HNSW index file is truncated: its header promises {needed + HeaderBytes:N0} bytes, it has {stream.Length - stream.Position + HeaderBytes:N0}.");
        }
        var levels = new byte[count];
        Take(stream, hash, levels, "node levels");
        HnswGraph graph;
        try { graph = new HnswGraph(m, levels); }
        catch (ArgumentException e) { throw Corrupt(e.Message); }
        if (graph.Upper.LongLength != upperInts)
            throw Corrupt($"the levels imply {graph.Upper.LongLength} upper-layer link ints but the header says {upperInts}");
        Take(stream, hash, MemoryMarshal.AsBytes(graph.Layer0.AsSpan()), "layer-0 links");
        Take(stream, hash, MemoryMarshal.AsBytes(graph.Upper.AsSpan()), "upper-layer links");
        Span<byte> trailer = stackalloc byte[8];
        try { stream.ReadExactly(trailer); }
        catch (EndOfStreamException) { throw Truncated("checksum", 8); }
        ulong expected = BinaryPrimitives.ReadUInt64LittleEndian(trailer), actual = hash.GetCurrentHashAsUInt64();
        if (expected != actual) throw Corrupt($"checksum mismatch (file says {expected:x16}, content hashes to {actual:x16})");

        CheckStructure(graph, maxLevel, entry);
        graph.MaxLevel = maxLevel;
        graph.EntryPoint = entry;
        return (graph, options, new VectorFingerprint(count, dim, vectorsHash));
    }

    /// <summary>Throws unless the entry point is a node of the top level and every link count fits its block and every
    /// link names another node that has the layer — so a search can never index out of the arrays.</summary>
    private static void CheckStructure(HnswGraph g, int maxLevel, int entry)
    {
        int count = g.Count, top = -1;
        foreach (byte l in g.Levels) top = Math.Max(top, l);
        if (maxLevel != top || (count == 0 ? entry != -1 : entry < 0 || entry >= count || g.Levels[entry] != maxLevel))
            throw Corrupt($"entry point {entry} at level {maxLevel} does not match the node levels (top level {top})");
        for (int node = 0; node < count; node++)
            for (int layer = 0; layer <= g.Levels[node]; layer++)
            {
                var block = g.Block(node, layer);
                if ((uint)block[0] > (uint)g.Capacity(layer))
                    throw Corrupt($"node {node} has {block[0]} links on layer {layer}, more than its {g.Capacity(layer)} slots");
                foreach (int n in block.Slice(1, block[0]))
                    if ((uint)n >= (uint)count || n == node || g.Levels[n] < layer)
                        throw Corrupt($"node {node} links to {n} on layer {layer}, which is not another node of that layer");
            }
    }

    private static void Put(Stream stream, XxHash64 hash, ReadOnlySpan<byte> bytes)
    {
        hash.Append(bytes);
        stream.Write(bytes);
    }

    private static void Take(Stream stream, XxHash64 hash, Span<byte> bytes, string section)
    {
        try { stream.ReadExactly(bytes); }
        catch (EndOfStreamException) { throw Truncated(section, bytes.Length); }
        hash.Append(bytes);
    }

    private static InvalidDataException Truncated(string section, long bytes) =>
        new($"The HNSW index file is truncated: it ends inside the {section} ({bytes:N0} bytes expected).");

    private static InvalidDataException Corrupt(string what) => new($"The HNSW index file is corrupt: {what}.");

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("HNSW index files are read and written on little-endian machines only.");
    }
}
