namespace BlairClip.ML.Data.Parsing;

/// <summary>Reads a stream as UTF-8 lines without decoding them: each line is a span into an internal buffer that
/// grows to the longest line, so a file is never held whole in memory. Accepts LF and CRLF endings and drops a
/// leading UTF-8 byte order mark.</summary>
internal sealed class Utf8LineReader(Stream stream, string? name = null) : IDisposable
{
    private byte[] _buffer = new byte[1 << 16];
    private int _start, _end, _scanned;
    private bool _eof;

    /// <summary>1-based number of the line last returned (0 before the first).</summary>
    public long LineNumber { get; private set; }

    /// <summary>The next line without its terminator; valid until the next call.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            int nl = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                int length = _scanned + nl - _start;
                line = Finish(_buffer.AsSpan(_start, length));
                _start = _scanned = _start + length + 1;
                return true;
            }
            _scanned = _end;
            if (_eof)
            {
                if (_start == _end) { line = default; return false; }
                line = Finish(_buffer.AsSpan(_start, _end - _start));
                _start = _scanned = _end;
                return true;
            }
            Fill();
        }
    }

    /// <summary>Reads whole lines into <paramref name="chunk"/> (emptied first) until it holds at least
    /// <paramref name="bytes"/> bytes (ending with the line that reaches them) or the stream ends. The stream is read straight
    /// into the chunk, and the lines are only counted here: <see cref="LineChunk.Split"/> finds them, on whichever thread
    /// parses them. False, with the chunk empty, at the end. Can be mixed with <see cref="TryReadLine"/>.</summary>
    public bool TryReadLines(LineChunk chunk, int bytes)
    {
        chunk.Start(LineNumber + 1);
        var buffered = _buffer.AsSpan(_start, _end - _start);
        buffered.CopyTo(chunk.Free(buffered.Length));
        chunk.Commit(buffered.Length);
        _start = _end = _scanned = 0;
        // The chunk ends with the line that reaches `bytes`.
        int cut = -1, searched = Math.Max(0, bytes - 1);
        while (true)
        {
            if (chunk.Bytes > searched)
            {
                int nl = chunk.Held[searched..].IndexOf((byte)'\n');
                if (nl >= 0) { cut = searched + nl; break; }
                searched = chunk.Bytes;
            }
            if (_eof) break;
            int want = Math.Max(1 << 12, bytes - chunk.Bytes);
            int n = ReadStream(chunk.Free(want)[..want], chunk.Held);
            if (n == 0) _eof = true; else chunk.Commit(n);
        }
        if (chunk.Bytes == 0) return false;
        // Whole lines stay in the chunk; the start of the next line goes back to the buffer.
        int keep = cut >= 0 ? cut + 1 : chunk.Bytes;
        var tail = chunk.Held[keep..];
        if (tail.Length > _buffer.Length) _buffer = new byte[Math.Max(_buffer.Length * 2, tail.Length)];
        tail.CopyTo(_buffer);
        _end = tail.Length;
        var kept = chunk.Held[..keep];
        int lines = kept.Count((byte)'\n') + (kept[^1] == (byte)'\n' ? 0 : 1);
        chunk.Keep(keep, lines);
        LineNumber += lines;
        return true;
    }

    private ReadOnlySpan<byte> Finish(Span<byte> line)
    {
        LineNumber++;
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        if (LineNumber == 1 && line.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) line = line[3..];
        return line;
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start; _scanned -= _start; _start = 0;
        }
        // A line longer than the buffer: double it, so a long line costs O(length) amortised.
        if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        int n = ReadStream(_buffer.AsSpan(_end), default);
        if (n == 0) _eof = true; else _end += n;
    }

    /// <param name="into">Where the bytes go.</param>
    /// <param name="pending">Bytes read but not yet counted in <see cref="LineNumber"/> (to name the line reached).</param>
    private int ReadStream(Span<byte> into, ReadOnlySpan<byte> pending)
    {
        try { return stream.Read(into); }
        catch (IO.GzipDataException e)
        {
            // The lines before were complete; the one being read is cut or lost.
            long complete = LineNumber + pending.Count((byte)'\n');
            throw new IO.GzipDataException(name ?? e.File, e.Offset, $"damaged gzip data after line {complete:N0}: {e.Problem}", e);
        }
    }

    public void Dispose() => stream.Dispose();
}
