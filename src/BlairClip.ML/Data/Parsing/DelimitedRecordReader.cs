using System.Text;

namespace BlairClip.ML.Data.Parsing;

/// <summary>CSV (RFC 4180: fields in double quotes may hold delimiters, newlines and doubled quotes) or TSV.
/// Fields are kept as UTF-8 bytes and decoded only when asked for.</summary>
internal sealed class DelimitedRecordReader : TableRecordReader
{
    private readonly Utf8LineReader _lines;
    private readonly byte _delimiter;
    private readonly bool _quoting;
    private byte[] _record = new byte[1024];
    private int _length;
    private readonly List<(int Start, int Length)> _fields = new();
    private char[][] _chars = [];

    public DelimitedRecordReader(Utf8LineReader lines, string file, byte delimiter, bool quoting) : base(file)
    {
        _lines = lines; _delimiter = delimiter; _quoting = quoting;
        if (!ReadFields()) throw new DataFormatException(file, 1, "the file is empty; expected a header row");
        var header = new string[_fields.Count];
        for (int i = 0; i < header.Length; i++) header[i] = Encoding.UTF8.GetString(_record, _fields[i].Start, _fields[i].Length);
        Header = header;
        _chars = header.Select(_ => new char[64]).ToArray();
    }

    public override bool Read()
    {
        if (!ReadFields()) return false;
        if (_fields.Count != Header.Count)
            throw new DataFormatException(File, RecordLine, $"expected {Header.Count} fields as in the header, but found {_fields.Count}");
        return true;
    }

    public override ReadOnlySpan<char> Get(int column)
    {
        var (start, length) = _fields[column];
        ref var buffer = ref _chars[column];
        if (buffer.Length < length) buffer = new char[length * 2];
        int n = Encoding.UTF8.GetChars(_record.AsSpan(start, length), buffer);
        return buffer.AsSpan(0, n);
    }

    private bool ReadFields()
    {
        ReadOnlySpan<byte> line;
        do
        {
            if (!_lines.TryReadLine(out line)) return false;
        } while (line.IsEmpty); // blank lines (e.g. a trailing one) are not records
        RecordLine = _lines.LineNumber;
        _length = 0;
        _fields.Clear();
        int fieldStart = 0;
        bool inQuotes = false, quoted = false, afterQuote = false;
        while (true)
        {
            for (int i = 0; i < line.Length; i++)
            {
                byte b = line[i];
                if (inQuotes)
                {
                    if (b != (byte)'"') Append(b);
                    else if (i + 1 < line.Length && line[i + 1] == (byte)'"') { Append(b); i++; }
                    else { inQuotes = false; afterQuote = true; }
                }
                else if (b == _delimiter)
                {
                    _fields.Add((fieldStart, _length - fieldStart));
                    fieldStart = _length;
                    quoted = afterQuote = false;
                }
                else if (afterQuote)
                {
                    throw new DataFormatException(File, _lines.LineNumber,
                        $"unexpected '{(char)b}' after the closing quote of field {_fields.Count + 1}; a quote inside a quoted field must be doubled", i + 1);
                }
                else if (b == (byte)'"' && _quoting && !quoted && _length == fieldStart) inQuotes = quoted = true;
                else Append(b);
            }
            if (!inQuotes) break;
            Append((byte)'\n'); // the field's newline: the record goes on on the next line
            if (!_lines.TryReadLine(out line))
                throw new DataFormatException(File, RecordLine, $"field {_fields.Count + 1} opens a quote that is never closed (the file ends inside it)");
        }
        _fields.Add((fieldStart, _length - fieldStart));
        return true;
    }

    private void Append(byte b)
    {
        if (_length == _record.Length) Array.Resize(ref _record, _record.Length * 2);
        _record[_length++] = b;
    }

    public override void Dispose() => _lines.Dispose();
}
