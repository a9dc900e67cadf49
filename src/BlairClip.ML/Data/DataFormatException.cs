namespace BlairClip.ML.Data;

/// <summary>A data file line that cannot be read. The message reads
/// "<c>FILE line N: PROBLEM (column C)</c>", e.g. "All_Beauty.jsonl line 5: '}' is invalid after a property name.
/// Expected a ':'. (column 37)"; <see cref="Column"/> is a 1-based byte offset within the line, when known.</summary>
public sealed class DataFormatException(string file, long line, string problem, long? column = null)
    : FormatException(column is null ? $"{file} line {line}: {problem}" : $"{file} line {line}: {problem} (column {column})")
{
    /// <summary>The file as the study spec names it.</summary>
    public string File { get; } = file;
    /// <summary>1-based line number (the first line of a multi-line CSV record).</summary>
    public long Line { get; } = line;
    /// <summary>1-based byte column within the line, or null when the problem concerns the whole line.</summary>
    public long? Column { get; } = column;
    /// <summary>The problem without the location prefix.</summary>
    public string Problem { get; } = problem;
}
