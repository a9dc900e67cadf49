using System.Buffers.Binary;
using BlairClip.ML.IO;
using FluentAssertions;

namespace BlairClip.ML.Tests.IO;

public class Crc32IeeeTests
{
    [Fact]
    public void Hash_CheckValue_IsTheStandardOne() =>
        Crc32Ieee.Hash("123456789"u8).Should().Be(0xCBF43926);

    [Fact]
    public void Hash_AnyLength_EqualsZlibsCrcInAGzipTrailer()
    {
        // Lengths around the 16- and 64-byte folding blocks, and long ones; zlib (through GZipStream) is the reference.
        var random = new Random(5);
        foreach (int length in Enumerable.Range(0, 300).Concat([1000, 4096, 65536, 65536 + 15, 1_000_003]))
        {
            var data = new byte[length];
            random.NextBytes(data);
            uint zlib = BinaryPrimitives.ReadUInt32LittleEndian(GzipBytes.Member(data).AsSpan()[^8..]);
            Crc32Ieee.Hash(data).Should().Be(zlib, $"length {length}");
        }
    }

    [Fact]
    public void Append_InPieces_EqualsTheWhole()
    {
        var data = new byte[200_000];
        new Random(6).NextBytes(data);
        uint crc = 0;
        for (int at = 0, piece = 1; at < data.Length; at += piece, piece = piece * 3 % 7919 + 1)
            crc = Crc32Ieee.Append(crc, data.AsSpan(at, Math.Min(piece, data.Length - at)));
        crc.Should().Be(Crc32Ieee.Hash(data));
    }
}
