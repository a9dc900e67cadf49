using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using BlairClip.ML.IO;
using FluentAssertions;

namespace BlairClip.ML.Tests.IO;

public class CheckedGzipStreamTests
{
    private const string Name = "/data/r.jsonl.gz";

    /// <summary>JSON-like lines from a seed: compressible as real data is, never all one byte.</summary>
    private static byte[] Lines(int bytes, int seed)
    {
        var random = new Random(seed);
        var sb = new StringBuilder(bytes + 100);
        while (sb.Length < bytes)
            sb.Append("{\"user_id\": \"U").Append(random.Next(100_000)).Append("\", \"rating\": ").Append(random.Next(1, 6)).Append("}\n");
        return Encoding.UTF8.GetBytes(sb.ToString(0, bytes));
    }

    /// <summary>Decompresses all of <paramref name="gz"/>, the source returning at most <paramref name="maxRead"/> bytes
    /// a read (0: all it has) and each read asking for up to <paramref name="readSize"/> bytes.</summary>
    private static byte[] ReadAll(byte[] gz, int maxRead = 0, int readSize = 81920)
    {
        using var stream = new CheckedGzipStream(maxRead > 0 ? new TrickleStream(gz, maxRead, seed: 7) : new MemoryStream(gz), Name);
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0) output.Write(buffer, 0, n);
        return output.ToArray();
    }

    [Theory]
    [InlineData(0, 81920)]
    [InlineData(3, 81920)]
    [InlineData(9000, 81920)]
    [InlineData(0, 7)]
    public void Read_ManyMembersOfAnySize_GivesEveryByte(int maxRead, int readSize)
    {
        // Empty members between and at the ends, members of one byte, and members larger than the input buffer.
        int[] sizes = [0, 1, 250, 0, 0, 70_000, 13, 300_000, 1, 0];
        var parts = sizes.Select((size, i) => Lines(size, i)).ToArray();
        var gz = GzipBytes.Concat(parts.Select(p => GzipBytes.Member(p)).ToArray());
        ReadAll(gz, maxRead, readSize).Should().Equal(parts.SelectMany(p => p));
    }

    [Fact]
    public void Read_TrailingZeroPadding_IsAccepted()
    {
        var data = Lines(5000, 1);
        ReadAll(GzipBytes.Concat(GzipBytes.Member(data), new byte[100])).Should().Equal(data);
        ReadAll(GzipBytes.Concat(GzipBytes.Member([]), new byte[3])).Should().BeEmpty();
    }

    [Fact]
    public void Read_HeaderWithExtraNameCommentAndHeaderCrc_IsParsed_AndAWrongHeaderCrcRefused()
    {
        var data = Lines(3000, 2);
        var plain = GzipBytes.Member(data);
        var header = new List<byte> { 0x1F, 0x8B, 8, 2 | 4 | 8 | 16, 1, 2, 3, 4, 0, 3 };
        header.AddRange([6, 0, (byte)'B', (byte)'C', 2, 0, 9, 9]);         // FEXTRA: XLEN 6, one subfield
        header.AddRange(Encoding.Latin1.GetBytes("reviews.jsonl\0a comment\0"));
        ushort crc16 = (ushort)Crc32Ieee.Hash(header.ToArray());
        byte[] WithHeaderCrc(ushort value) => [.. header, (byte)value, (byte)(value >> 8), .. plain.AsSpan(10)];
        ReadAll(GzipBytes.Concat(WithHeaderCrc(crc16), plain)).Should().Equal(data.Concat(data));
        FluentActions.Invoking(() => ReadAll(WithHeaderCrc((ushort)(crc16 ^ 1)))).Should().Throw<GzipDataException>()
            .WithMessage($"{Name}: gzip member 1 fails its header check*");
    }

    [Fact]
    public void Read_CutAtAnyByte_IsAnError_ExceptWhereAMemberEnds()
    {
        byte[] first = GzipBytes.Member(Lines(400, 3)), empty = GzipBytes.Member([]), last = GzipBytes.Member(Lines(400, 4));
        var gz = GzipBytes.Concat(first, empty, last);
        var memberEnds = new[] { first.Length, first.Length + empty.Length };
        for (int cut = 2; cut < gz.Length; cut++)
        {
            var act = () => ReadAll(gz[..cut]);
            if (memberEnds.Contains(cut)) act.Should().NotThrow($"a file cut where a member ends is a whole gzip file (cut {cut})");
            else act.Should().Throw<GzipDataException>($"cut at byte {cut} of {gz.Length}").Which.File.Should().Be(Name);
        }
    }

    [Fact]
    public void Read_CutAtAFlushPoint_SaysTheFileIsCutShort()
    {
        var gz = GzipBytes.Concat(GzipBytes.Member(Lines(1000, 5)), GzipBytes.CutAtFlush(Lines(100_000, 6)));
        FluentActions.Invoking(() => ReadAll(gz)).Should().Throw<GzipDataException>()
            .WithMessage($"{Name}: the file ends inside the deflate data of gzip member 2 * after 100,000 decompressed bytes: it is cut short*");
    }

    [Fact]
    public void Read_TrailerMissing_IsAnError()
    {
        var gz = GzipBytes.WithoutTrailer(GzipBytes.Member(Lines(20_000, 7)));
        FluentActions.Invoking(() => ReadAll(gz)).Should().Throw<GzipDataException>()
            .WithMessage($"{Name}: gzip member 1 (from byte 0) has no trailer matching its data*missing or damaged, or the file is cut short*");
    }

    [Fact]
    public void Read_WrongCrc_IsAnError()
    {
        var gz = GzipBytes.Concat(GzipBytes.Member(Lines(100, 8)), GzipBytes.WithWrongCrc(GzipBytes.Member(Lines(20_000, 9))));
        FluentActions.Invoking(() => ReadAll(gz)).Should().Throw<GzipDataException>()
            .WithMessage($"{Name}: gzip member 2 * fails its CRC32 check: the trailer records *, the data inflates to *");
    }

    [Fact]
    public void Read_WrongLength_IsAnError()
    {
        var gz = GzipBytes.WithWrongLength(GzipBytes.Member(Lines(20_000, 10)));
        FluentActions.Invoking(() => ReadAll(gz)).Should().Throw<GzipDataException>()
            .WithMessage($"{Name}: gzip member 1 * records a length of 20,001 bytes (mod 2^32) in its trailer, but inflates to 20,000*");
    }

    [Fact]
    public void Read_TrailingGarbage_IsAnError()
    {
        var gz = GzipBytes.Concat(GzipBytes.Member(Lines(5000, 11)), new byte[] { 0, 0 }, Encoding.ASCII.GetBytes("tail"));
        FluentActions.Invoking(() => ReadAll(gz)).Should().Throw<GzipDataException>()
            .WithMessage($"{Name}: the bytes after gzip member 1 * are not another gzip member (they start with 7461696C)*");
    }

    [Fact]
    public void Read_CorruptDeflateData_IsAnError()
    {
        var gz = GzipBytes.Member(Lines(200_000, 12));
        for (int i = 1000; i < 1040; i++) gz[i] ^= 0x5A;
        FluentActions.Invoking(() => ReadAll(gz)).Should().Throw<GzipDataException>().Which.File.Should().Be(Name);
    }

    [Fact]
    public void Read_UnknownCompressionMethodInALaterMember_IsAnError()
    {
        var second = GzipBytes.Member(Lines(100, 13));
        second[2] = 7;
        FluentActions.Invoking(() => ReadAll(GzipBytes.Concat(GzipBytes.Member(Lines(100, 14)), second))).Should().Throw<GzipDataException>()
            .WithMessage($"{Name}: gzip member 2 names compression method 7; gzip defines only deflate (8)*");
    }

    [Fact]
    public void Constructor_NotGzip_NamesTheFileAndItsFirstBytes() =>
        FluentActions.Invoking(() => new CheckedGzipStream(new MemoryStream("{\"a\": 1}"u8.ToArray()), Name)).Should().Throw<InvalidDataException>()
            .WithMessage($"{Name} is named .gz but is not gzip data (first bytes 7B22); rename it or compress it.");

    [Fact]
    public void Read_SameBytesAsGZipStream_OnAGzipToolFile()
    {
        var fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "data", "All_Beauty.head30.jsonl.gz");
        var bytes = File.ReadAllBytes(fixture);
        using var reference = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        var expected = new MemoryStream();
        reference.CopyTo(expected);
        ReadAll(bytes).Should().Equal(expected.ToArray());
    }
}
