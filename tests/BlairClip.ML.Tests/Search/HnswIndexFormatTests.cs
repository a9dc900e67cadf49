using BlairClip.ML.Search;
using FluentAssertions;

namespace BlairClip.ML.Tests.Search;

public sealed class HnswIndexFormatTests
{
    private const int Rows = 3000, Dim = 16;
    private static readonly float[] Vectors = new SyntheticEmbeddings(Dim, clusters: 30, seed: 9).Generate(Rows);
    private static readonly Lazy<(HnswIndex Index, byte[] Bytes)> Saved = new(() =>
    {
        var index = HnswIndex.Build(Vectors, Rows, Dim, new HnswOptions { M = 6, EfConstruction = 30, EfSearch = 37 });
        using var s = new MemoryStream();
        index.Save(s);
        return (index, s.ToArray());
    });

    private static HnswIndex Load(byte[] bytes, float[]? vectors = null, bool seekable = true)
    {
        Stream s = seekable ? new MemoryStream(bytes) : new ForwardOnlyStream(bytes);
        return HnswIndex.Load(s, vectors ?? Vectors, (vectors ?? Vectors).Length / Dim, Dim);
    }

    [Fact]
    public void RoundTrip_GivesTheSameResults_Options_AndBytes()
    {
        var (index, bytes) = Saved.Value;
        var loaded = Load(bytes);
        loaded.Options.Should().Be(index.Options);
        loaded.EfSearch.Should().Be(37);
        loaded.Fingerprint.Should().Be(index.Fingerprint);
        var queries = new SyntheticEmbeddings(Dim, clusters: 30, seed: 9).Generate(50, first: Rows);
        for (int q = 0; q < 50; q++)
            loaded.Search(queries.AsSpan(q * Dim, Dim), 10).Should().Equal(index.Search(queries.AsSpan(q * Dim, Dim), 10));
        using var again = new MemoryStream();
        loaded.Save(again);
        again.ToArray().Should().Equal(bytes);
        Load(bytes, seekable: false).Count.Should().Be(Rows);
    }

    [Fact]
    public void WrongMagicOrVersion_IsRefused()
    {
        var bytes = (byte[])Saved.Value.Bytes.Clone();
        bytes[0] = (byte)'X';
        FluentActions.Invoking(() => Load(bytes)).Should().Throw<InvalidDataException>().WithMessage("Not an HNSW index file*magic*");
        bytes = (byte[])Saved.Value.Bytes.Clone();
        bytes[8] = 2;
        FluentActions.Invoking(() => Load(bytes)).Should().Throw<InvalidDataException>().WithMessage("*format version 2 is not supported*reads version 1*");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    [InlineData(64 + 100)]
    [InlineData(-4)]
    public void TruncatedFile_IsRefused_SeekableOrNot(int keep)
    {
        var bytes = Saved.Value.Bytes;
        var cut = bytes[..(keep >= 0 ? keep : bytes.Length + keep)];
        FluentActions.Invoking(() => Load(cut)).Should().Throw<InvalidDataException>().WithMessage("*truncated*");
        FluentActions.Invoking(() => Load(cut, seekable: false)).Should().Throw<InvalidDataException>().WithMessage("*truncated*ends inside*");
    }

    [Fact]
    public void FlippedByte_FailsTheChecksum()
    {
        var bytes = (byte[])Saved.Value.Bytes.Clone();
        bytes[bytes.Length / 2] ^= 0x10;
        FluentActions.Invoking(() => Load(bytes)).Should().Throw<InvalidDataException>().WithMessage("*corrupt*checksum mismatch*");
    }

    [Fact]
    public void OtherVectors_AreRefused_ByTheFingerprint()
    {
        var changed = (float[])Vectors.Clone();
        changed[123] += 1e-3f;
        FluentActions.Invoking(() => Load(Saved.Value.Bytes, changed)).Should().Throw<InvalidDataException>().WithMessage("*built for other vectors*rebuild*");
        var fewer = Vectors[..((Rows - 1) * Dim)];
        FluentActions.Invoking(() => Load(Saved.Value.Bytes, fewer)).Should().Throw<InvalidDataException>().WithMessage("*3,000 × 16*2,999 × 16*");
    }

    /// <summary>A stream that cannot seek, so the reader meets the end of a truncated file inside a section.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1000));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
