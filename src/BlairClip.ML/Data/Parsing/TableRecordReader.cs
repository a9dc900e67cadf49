using System.Text;

namespace BlairClip.ML.Data.Parsing;

/// <summary>Reads a table file record by record: a header (column names) and, per record, one text value per
/// column. The format follows the extension: <c>.csv</c> (RFC 4180), <c>.tsv</c> (tab-separated, no quoting, as the
/// IANA text/tab-separated-values type) or <c>.jsonl</c> (one object per line; the first line's fields are the
/// header), each optionally <c>.gz</c>.</summary>
internal abstract class TableRecordReader : IDisposable
{
    protected TableRecordReader(string file) => File = file;

    /// <summary>The file as the spec names it (used in messages).</summary>
    public string File { get; }
    public IReadOnlyList<string> Header { get; protected set; } = [];
    /// <summary>The line the current record starts on.</summary>
    public long RecordLine { get; protected set; }

    /// <summary>Advances to the next record; false at the end.</summary>
    /// <exception cref="DataFormatException">A malformed record; the reader has moved past it, so the caller may
    /// skip it and read on.</exception>
    public abstract bool Read();

    /// <summary>The value of <paramref name="column"/> in the current record ("" when absent); valid until the next
    /// <see cref="Read"/> or the next call for the same column.</summary>
    public abstract ReadOnlySpan<char> Get(int column);

    /// <summary>The index of <paramref name="name"/> in the header.</summary>
    /// <exception cref="Core.InvalidOptionException">No such column; names <paramref name="key"/> and lists the header.</exception>
    public int ColumnIndex(string name, string key)
    {
        for (int i = 0; i < Header.Count; i++) if (Header[i] == name) return i;
        throw new Core.InvalidOptionException(key, name,
            $"must name a column of {File}, whose header is [{string.Join(", ", Header)}]");
    }

    public abstract void Dispose();

    /// <summary>Opens <paramref name="fullPath"/> with the reader its extension calls for.</summary>
    /// <exception cref="Core.InvalidOptionException">An unsupported extension.</exception>
    public static TableRecordReader Open(string fullPath, string file, string key)
    {
        var ext = DataFile.InnerExtension(fullPath);
        if (ext is not (".csv" or ".tsv" or ".jsonl"))
            throw new Core.InvalidOptionException(key, file, "must end in .csv, .tsv or .jsonl (optionally followed by .gz)");
        var lines = DataFile.OpenLines(fullPath);
        try
        {
            return ext switch
            {
                ".csv" => new DelimitedRecordReader(lines, file, (byte)',', quoting: true),
                ".tsv" => new DelimitedRecordReader(lines, file, (byte)'\t', quoting: false),
                _ => new JsonLinesRecordReader(lines, file),
            };
        }
        catch
        {
            lines.Dispose();
            throw;
        }
    }
}

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

/// <summary>JSON Lines as a table: the header is the first object's field names; values are strings as they are,
/// numbers and booleans as written, arrays and objects flattened to space-joined text, null or missing as "".</summary>
internal sealed class JsonLinesRecordReader : TableRecordReader
{
    private readonly Utf8LineReader _lines;
    private readonly string?[] _values;
    private readonly byte[][] _names;
    private readonly TextJoiner _text = new();
    private char[] _scratch = new char[256];
    private bool _pending;

    public JsonLinesRecordReader(Utf8LineReader lines, string file) : base(file)
    {
        _lines = lines;
        ReadOnlySpan<byte> line;
        do
        {
            if (!_lines.TryReadLine(out line)) throw new DataFormatException(file, 1, "the file is empty; expected a JSON object per line");
        } while (AmazonReviewsLoader.IsBlank(line));
        RecordLine = _lines.LineNumber;
        var names = new List<string>();
        try
        {
            var reader = JsonLine.StartObject(line);
            while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                names.Add(JsonLine.String(ref reader, ref _scratch));
                reader.Read();
                reader.Skip();
            }
            JsonLine.EndLine(ref reader);
        }
        catch (Exception e) when (JsonLine.IsLineError(e))
        {
            throw JsonLine.ToDataError(e, file, RecordLine);
        }
        Header = names;
        _names = names.Select(n => Encoding.UTF8.GetBytes(n)).ToArray();
        _values = new string?[names.Count];
        ParseLine(line);
        _pending = true;
    }

    public override bool Read()
    {
        if (_pending) { _pending = false; return true; }
        ReadOnlySpan<byte> line;
        do
        {
            if (!_lines.TryReadLine(out line)) return false;
        } while (AmazonReviewsLoader.IsBlank(line));
        RecordLine = _lines.LineNumber;
        ParseLine(line);
        return true;
    }

    private void ParseLine(ReadOnlySpan<byte> line)
    {
        Array.Clear(_values);
        try
        {
            var reader = JsonLine.StartObject(line);
            while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                int column = -1;
                for (int i = 0; i < _names.Length; i++) if (reader.ValueTextEquals(_names[i])) { column = i; break; }
                reader.Read();
                if (column < 0) { reader.Skip(); continue; }
                _text.Clear();
                JsonLine.AppendText(ref reader, _text, ref _scratch);
                _values[column] = _text.ToString();
            }
            JsonLine.EndLine(ref reader);
        }
        catch (Exception e) when (JsonLine.IsLineError(e))
        {
            throw JsonLine.ToDataError(e, File, RecordLine);
        }
    }

    public override ReadOnlySpan<char> Get(int column) => _values[column];

    public override void Dispose() => _lines.Dispose();
}
