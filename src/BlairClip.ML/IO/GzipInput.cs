namespace BlairClip.ML.IO;

/// <summary>The compressed bytes of a gzip file behind one buffer, read forwards. <see cref="CheckedGzipStream"/>
/// parses headers and trailers from it with <see cref="Peek"/>, <see cref="Skip"/> and <see cref="At"/>, and hands it
/// to <see cref="System.IO.Compression.DeflateStream"/> as that stream's input (<see cref="Read(Span{byte})"/>).
/// DeflateStream pulls input in chunks and, on .NET 10, neither says how much of the last chunk the deflate data used
/// nor rewinds to where that data ended; it asks for a chunk only when the inflater has used all earlier input. So
/// the end of a member's deflate data lies in the last chunk handed out (<see cref="LastChunkStart"/> to
/// <see cref="LastChunkEnd"/>), and the buffer keeps that chunk until the trailer after it has been found.</summary>
internal sealed class GzipInput(Stream source) : ForwardReadStream
{
    /// <summary>How much of the file is read at a time (DeflateStream itself asks for 8 KiB chunks).</summary>
    private const int ReadSize = 1 << 16;

    private byte[] _buffer = new byte[ReadSize];
    private int _next, _end;       // _buffer[_next.._end) is read from the file but not yet consumed
    private long _bufferStart;     // file offset of _buffer[0]
    private bool _sourceDone;

    /// <summary>File offset of the next unconsumed byte.</summary>
    public long Offset => _bufferStart + _next;

    /// <summary>File offsets of the last chunk handed to DeflateStream since <see cref="BeginChunks"/>.</summary>
    public long LastChunkStart { get; private set; }

    /// <inheritdoc cref="LastChunkStart"/>
    public long LastChunkEnd { get; private set; }

    /// <summary>DeflateStream asked for more input at the end of the file since <see cref="BeginChunks"/>: the
    /// deflate data was not finished, so the file is cut short.</summary>
    public bool ReadPastEnd { get; private set; }

    /// <summary>Starts a member's deflate data at <see cref="Offset"/>: forgets the chunks of the one before.</summary>
    public void BeginChunks()
    {
        LastChunkStart = LastChunkEnd = Offset;
        ReadPastEnd = false;
    }

    /// <summary>Up to <paramref name="count"/> bytes from <see cref="Offset"/> without consuming them (fewer only at the
    /// end of the file); valid until the next call.</summary>
    public ReadOnlySpan<byte> Peek(int count) => At(Offset, count);

    /// <summary>Consumes <paramref name="count"/> bytes, which <see cref="Peek"/> has returned.</summary>
    public void Skip(int count) => _next += count;

    /// <summary>Up to <paramref name="count"/> bytes from file offset <paramref name="offset"/> (fewer only at the end
    /// of the file), which must not lie before the last chunk handed out or before <see cref="Offset"/>, whichever is
    /// earlier; valid until the next call.</summary>
    public ReadOnlySpan<byte> At(long offset, int count)
    {
        Load(offset, count);
        int from = (int)(offset - _bufferStart);
        return _buffer.AsSpan(from, Math.Min(count, _end - from));
    }

    /// <summary>Makes <paramref name="offset"/> (within what <see cref="At"/> last returned, or its end) the next
    /// unconsumed byte.</summary>
    public void MoveTo(long offset) => _next = checked((int)(offset - _bufferStart));

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>DeflateStream's input: the next chunk of the file, remembered as the last chunk handed out.</summary>
    public override int Read(Span<byte> destination)
    {
        if (destination.IsEmpty) return 0;
        if (_next == _end) Load(Offset, 1);
        if (_next == _end)
        {
            ReadPastEnd = true;
            return 0;
        }
        int n = Math.Min(destination.Length, _end - _next);
        _buffer.AsSpan(_next, n).CopyTo(destination);
        LastChunkStart = Offset;
        _next += n;
        LastChunkEnd = Offset;
        return n;
    }

    /// <summary>Ensures bytes [offset, offset + count) are in the buffer, or as many as the file has. Bytes before
    /// <paramref name="offset"/>, <see cref="Offset"/> and the last chunk handed out (whichever is earliest) are dropped.</summary>
    private void Load(long offset, int count)
    {
        if (offset < _bufferStart || offset > _bufferStart + _end)
            throw new InvalidOperationException($"byte {offset} is not buffered (buffer holds {_bufferStart}..{_bufferStart + _end}).");
        if (_bufferStart + _end - offset >= count || _sourceDone) return;
        long keepFrom = Math.Min(Math.Min(offset, Offset), Math.Max(_bufferStart, LastChunkStart));
        int keep = (int)(keepFrom - _bufferStart);
        if (keep > 0)
        {
            Buffer.BlockCopy(_buffer, keep, _buffer, 0, _end - keep);
            _end -= keep;
            _next -= keep;
            _bufferStart = keepFrom;
        }
        long needed = offset + count - _bufferStart;
        if (needed > _buffer.Length) Array.Resize(ref _buffer, (int)Math.Max(needed, 2L * _buffer.Length));
        while (_bufferStart + _end - offset < count && !_sourceDone)
        {
            int n = source.Read(_buffer, _end, Math.Min(ReadSize, _buffer.Length - _end));
            if (n == 0) _sourceDone = true;
            else _end += n;
        }
    }


    protected override void Dispose(bool disposing)
    {
        if (disposing) source.Dispose();
        base.Dispose(disposing);
    }
}
