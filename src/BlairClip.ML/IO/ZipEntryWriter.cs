using System.IO.Compression;

namespace BlairClip.ML.IO;

/// <summary>How a zip entry is compressed (<see cref="ZipEntryWriter"/>).</summary>
internal enum ZipEntryCompression
{
    /// <summary>Deflated (fastest level): text, ids, vocabularies, integer indices (2–4× smaller).</summary>
    Deflate,
    /// <summary>Stored: data that deflate makes bigger, e.g. dense float32 tensors (+6 %).</summary>
    Store,
    /// <summary>Stored unless a deflated sample of the first <see cref="ZipEntryWriter.SampleBytes"/> is
    /// <see cref="ZipEntryWriter.MinSaving"/> smaller: for data made of uniform blocks that may already be deflated
    /// (ML.NET's .idv files deflate each block when that pays). Not for files whose start differs from the rest.</summary>
    BySample,
}

/// <summary>
/// Writes a zip entry deflated or stored (<see cref="ZipEntryCompression"/>); with <see cref="ZipEntryCompression.BySample"/>
/// the entry is created once the sample is in (or the stream is closed), then written through — ZipArchive cannot
/// choose per entry after the fact, hence this stream. Dense float32 factors and ML.NET's already-deflated .idv
/// lookups grow by ~6 % under deflate, at tens of MB/s (BPR-MF at Appliances scale: 480 MB of each).
/// </summary>
internal sealed class ZipEntryWriter : Stream
{
    /// <summary>Bytes sampled before the choice.</summary>
    public const int SampleBytes = 256 << 10;
    /// <summary>Least share of the sample deflate must save for the entry to be deflated.</summary>
    public const double MinSaving = 0.05;

    private readonly ZipArchive _zip;
    private readonly string _name;
    /// <summary>The sample while it is being collected (<see cref="ZipEntryCompression.BySample"/> only).</summary>
    private MemoryStream? _sample;
    private Stream? _entry;

    private ZipEntryWriter(ZipArchive zip, string name, ZipEntryCompression compression)
    {
        _zip = zip;
        _name = name;
        if (compression == ZipEntryCompression.BySample) _sample = new MemoryStream();
        else
        {
            Level = compression == ZipEntryCompression.Store ? CompressionLevel.NoCompression : CompressionLevel.Fastest;
            _entry = zip.CreateEntry(name, Level.Value).Open();
        }
    }

    /// <summary>A stream that writes entry <paramref name="name"/> of <paramref name="zip"/>; dispose it to finish the entry.</summary>
    public static Stream Create(ZipArchive zip, string name, ZipEntryCompression compression) => new ZipEntryWriter(zip, name, compression);

    /// <summary>The level the entry is written with (for <see cref="ZipEntryCompression.BySample"/>, once the sample is in).</summary>
    public CompressionLevel? Level { get; private set; }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_sample is not null)
        {
            int take = Math.Min(buffer.Length, SampleBytes - (int)_sample.Length);
            _sample.Write(buffer[..take]);
            buffer = buffer[take..];
            if (_sample.Length < SampleBytes) return;
            Open();
        }
        if (!buffer.IsEmpty) _entry!.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    private void Open()
    {
        var sample = _sample!;
        _sample = null;
        Level = Deflates(sample.GetBuffer().AsSpan(0, (int)sample.Length)) ? CompressionLevel.Fastest : CompressionLevel.NoCompression;
        _entry = _zip.CreateEntry(_name, Level.Value).Open();
        _entry.Write(sample.GetBuffer(), 0, (int)sample.Length);
    }

    /// <summary>True when deflate (Fastest) saves at least <see cref="MinSaving"/> of <paramref name="sample"/>.</summary>
    internal static bool Deflates(ReadOnlySpan<byte> sample)
    {
        if (sample.IsEmpty) return true;
        var deflated = new MemoryStream();
        using (var d = new DeflateStream(deflated, CompressionLevel.Fastest, leaveOpen: true)) d.Write(sample);
        return deflated.Length <= sample.Length * (1 - MinSaving);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_sample is not null) Open();
            _entry?.Dispose();
            _entry = null;
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => _entry?.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
