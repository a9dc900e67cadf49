using System.Text;

namespace BlairClip.ML.Data.Parsing;

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
        } while (ParallelLineParser.IsBlank(line));
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
        } while (ParallelLineParser.IsBlank(line));
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
