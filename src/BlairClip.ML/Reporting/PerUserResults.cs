using System.Globalization;
using BlairClip.ML.Data;
using BlairClip.ML.Data.Parsing;

namespace BlairClip.ML.Reporting;

/// <summary>Reads back a <c>per_user/&lt;model&gt;.csv</c> that <see cref="ResultsWriter.PerUserCsv"/> wrote.</summary>
public static class PerUserResults
{
    /// <summary>Every user's value of <paramref name="metric"/>, by external user id; null when the file has no such column.</summary>
    /// <exception cref="DataFormatException">A row is malformed or the value is not a number; the message names file and line.</exception>
    public static IReadOnlyDictionary<string, double>? Read(string file, string metric)
    {
        using var reader = new DelimitedRecordReader(DataFile.OpenLines(file), file, (byte)',', quoting: true);
        int column = reader.Header.ToList().IndexOf(metric);
        if (column < 0) return null;
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        while (reader.Read())
        {
            if (!double.TryParse(reader.Get(column), NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                throw new DataFormatException(file, reader.RecordLine, $"column '{metric}' holds '{reader.Get(column)}', not a number");
            values[reader.Get(0).ToString()] = v;
        }
        return values;
    }
}
