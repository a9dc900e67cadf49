using System.IO.Compression;
using BlairClip.ML.IO;
using FluentAssertions;

namespace BlairClip.ML.Tests.IO;

public class ZipEntryWriterTests
{
    private static byte[] RandomFloats(int count, int seed)
    {
        var random = new Random(seed);
        var floats = Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 0.2 - 0.1)).ToArray();
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(floats.AsSpan()).ToArray();
    }

    private static byte[] Text(int bytes) =>
        System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, bytes / 8 + 1).Select(i => $"A{i % 5000:D6}\n")))[..bytes];

    [Theory]
    [InlineData("floats, several writes past the sample", true, 1_000_000, 7_919)]
    [InlineData("floats, one write", true, 1_000_000, int.MaxValue)]
    [InlineData("text", false, 900_000, 4_096)]
    [InlineData("small text, closed before the sample is full", false, 10_000, 333)]
    [InlineData("small floats", true, 40_000, 1)]
    [InlineData("empty", false, 0, 1)]
    public void BySample_StoresWhatDeflateWouldNotShrink_AndReadsBackTheSameBytes(string what, bool floats, int bytes, int writeSize)
    {
        var data = floats ? RandomFloats(bytes / 4, bytes)[..bytes] : Text(bytes);
        var zipBytes = new MemoryStream();
        CompressionLevel? level;
        using (var zip = new ZipArchive(zipBytes, ZipArchiveMode.Create, leaveOpen: true))
        {
            var s = (ZipEntryWriter)ZipEntryWriter.Create(zip, "e.bin", ZipEntryCompression.BySample);
            for (int at = 0; at < data.Length; at += Math.Min(writeSize, data.Length - at)) s.Write(data, at, Math.Min(writeSize, data.Length - at));
            s.Dispose();
            level = s.Level;
        }
        level.Should().Be(floats ? CompressionLevel.NoCompression : CompressionLevel.Fastest, what);

        zipBytes.Position = 0;
        using var read = new ZipArchive(zipBytes, ZipArchiveMode.Read);
        var entry = read.GetEntry("e.bin")!;
        using var ms = new MemoryStream();
        using (var e = entry.Open()) e.CopyTo(ms);
        ms.ToArray().Should().Equal(data, what);
        entry.Crc32.Should().Be(Crc32Ieee.Hash(data));
        if (floats) entry.CompressedLength.Should().Be(data.Length, "stored");
        else if (bytes > 1000) entry.CompressedLength.Should().BeLessThan(data.Length / 2);
    }

    [Theory]
    [InlineData(false, CompressionLevel.Fastest)]
    [InlineData(true, CompressionLevel.NoCompression)]
    public void FixedModes_AreKeptWhateverTheData(bool store, CompressionLevel level)
    {
        var mode = store ? ZipEntryCompression.Store : ZipEntryCompression.Deflate;
        var data = RandomFloats(100_000, 3);
        var zipBytes = new MemoryStream();
        using (var zip = new ZipArchive(zipBytes, ZipArchiveMode.Create, leaveOpen: true))
        {
            var s = (ZipEntryWriter)ZipEntryWriter.Create(zip, "e.bin", mode);
            s.Write(data);
            s.Dispose();
            s.Level.Should().Be(level);
        }
        zipBytes.Position = 0;
        using var read = new ZipArchive(zipBytes, ZipArchiveMode.Read);
        using var ms = new MemoryStream();
        using (var e = read.GetEntry("e.bin")!.Open()) e.CopyTo(ms);
        ms.ToArray().Should().Equal(data);
        (read.GetEntry("e.bin")!.CompressedLength == data.Length).Should().Be(mode == ZipEntryCompression.Store);
    }
}
