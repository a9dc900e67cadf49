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
        int n;
        try { n = stream.Read(_buffer, _end, _buffer.Length - _end); }
        catch (IO.GzipDataException e)
        {
            // The lines before were complete; the one being read is cut or lost.
            throw new IO.GzipDataException(name ?? e.File, e.Offset, $"damaged gzip data after line {LineNumber:N0}: {e.Problem}", e);
        }
        if (n == 0) _eof = true; else _end += n;
    }

    public void Dispose() => stream.Dispose();
}
