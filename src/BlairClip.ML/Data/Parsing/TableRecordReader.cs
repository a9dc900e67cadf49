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
