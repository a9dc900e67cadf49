using System.Buffers;
using System.Text;
using System.Text.Json;

namespace BlairClip.ML.Data.Parsing;

/// <summary>Helpers for reading one JSON Lines record with <see cref="Utf8JsonReader"/> straight from the line's
/// UTF-8 bytes.</summary>
internal static class JsonLine
{
    /// <summary>A reader over <paramref name="line"/> positioned on its opening '{'.</summary>
    /// <exception cref="LineProblem">The line is not a JSON object.</exception>
    public static Utf8JsonReader StartObject(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, isFinalBlock: true, state: default);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new LineProblem($"expected a JSON object, but the line starts with {Describe(reader.TokenType)}", reader.TokenStartIndex);
        return reader;
    }

    /// <summary>After the object's closing '}': anything but whitespace is an error.</summary>
    public static void EndLine(ref Utf8JsonReader reader)
    {
        if (reader.Read()) throw new LineProblem("unexpected content after the JSON object", reader.TokenStartIndex);
    }

    /// <summary>The current string token unescaped into <paramref name="scratch"/> (grown as needed).</summary>
    public static ReadOnlySpan<char> Chars(ref Utf8JsonReader reader, ref char[] scratch)
    {
        int max = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (scratch.Length < max) scratch = new char[Math.Max(max, scratch.Length * 2)];
        try
        {
            int n = reader.CopyString(scratch);
            return scratch.AsSpan(0, n);
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader checks a string's UTF-8 only when it is transcoded.
            throw new LineProblem("invalid UTF-8 in a string", reader.TokenStartIndex);
        }
    }

    /// <summary>Appends the current value as text: strings as they are, numbers and booleans as written,
    /// arrays element by element, objects as "name value" pairs, null as nothing.</summary>
    public static void AppendText(ref Utf8JsonReader reader, TextJoiner text, ref char[] scratch)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
            case JsonTokenType.PropertyName:
                text.Append(Chars(ref reader, ref scratch));
                break;
            case JsonTokenType.Number:
            case JsonTokenType.True:
            case JsonTokenType.False:
                text.Append(Encoding.UTF8.GetString(reader.ValueSpan));
                break;
            case JsonTokenType.StartArray:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) AppendText(ref reader, text, ref scratch);
                break;
            case JsonTokenType.StartObject:
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    text.Append(Chars(ref reader, ref scratch));
                    reader.Read();
                    AppendText(ref reader, text, ref scratch);
                }
                break;
        }
    }

    /// <summary>The current value as an id string span: strings unescaped, numbers as written; empty for null.</summary>
    public static ReadOnlySpan<char> IdChars(ref Utf8JsonReader reader, ref char[] scratch, string field)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return Chars(ref reader, ref scratch);
            case JsonTokenType.Number:
                var raw = reader.ValueSpan;
                if (scratch.Length < raw.Length) scratch = new char[raw.Length * 2];
                int n = Encoding.UTF8.GetChars(raw, scratch);
                return scratch.AsSpan(0, n);
            case JsonTokenType.Null:
                return default;
            default:
                throw new LineProblem($"field '{field}' must be a string, but is {Describe(reader.TokenType)}", reader.TokenStartIndex);
        }
    }

    /// <summary>A JSON number or null (NaN) as a float.</summary>
    public static float Rating(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType == JsonTokenType.Null) return float.NaN;
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out double d)) return (float)d;
        throw new LineProblem($"field '{field}' must be a number or null, but is {Describe(reader.TokenType)}", reader.TokenStartIndex);
    }

    /// <summary>A JSON integer, or a string holding an integer or ISO date, as a timestamp.</summary>
    public static long Timestamp(ref Utf8JsonReader reader, string field, ref char[] scratch)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (reader.TryGetInt64(out long v)) return v;
            throw new LineProblem($"field '{field}' must be an integer timestamp, but was {Encoding.UTF8.GetString(reader.ValueSpan)}", reader.TokenStartIndex);
        }
        if (reader.TokenType == JsonTokenType.String)
        {
            var s = Chars(ref reader, ref scratch);
            if (TimestampParser.TryParse(s, out long t, out _)) return t;
            throw new LineProblem($"field '{field}' must be an integer or an ISO date/date-time, but was \"{s}\"", reader.TokenStartIndex);
        }
        throw new LineProblem($"field '{field}' must be an integer timestamp, but is {Describe(reader.TokenType)}", reader.TokenStartIndex);
    }

    /// <summary>The current property name or string as a new string.</summary>
    public static string String(ref Utf8JsonReader reader, ref char[] scratch) => new(Chars(ref reader, ref scratch));

    public static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.None => "nothing",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };

    /// <summary>Turns a JSON syntax error or a <see cref="LineProblem"/> into a <see cref="DataFormatException"/>
    /// located at <paramref name="file"/> line <paramref name="lineNumber"/>.</summary>
    public static DataFormatException ToDataError(Exception e, string file, long lineNumber) => e switch
    {
        JsonException j => new DataFormatException(file, lineNumber, CleanMessage(j.Message), j.BytePositionInLine + 1),
        LineProblem p => new DataFormatException(file, lineNumber, p.Message, p.ByteOffset is { } o ? o + 1 : null),
        _ => throw new ArgumentException("not a line error", nameof(e)),
    };

    public static bool IsLineError(Exception e) => e is JsonException or LineProblem;

    // System.Text.Json appends " LineNumber: 0 | BytePositionInLine: 37." which is wrong for a JSON Lines file
    // (each line is its own document); the location goes into our own prefix instead.
    private static string CleanMessage(string message)
    {
        int i = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (i >= 0 ? message[..i] : message).TrimEnd();
    }
}

/// <summary>A problem with one line, located by a 0-based byte offset; the loader adds file and line.</summary>
internal sealed class LineProblem(string message, long? byteOffset = null) : Exception(message)
{
    public long? ByteOffset { get; } = byteOffset;
}
