namespace BlairClip.ML.Data.Parsing;

/// <summary>Locating and opening data files named in a study spec.</summary>
internal static class DataFile
{
    /// <summary>The absolute path of <paramref name="path"/> relative to <paramref name="baseDirectory"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file; the message names the spec key and both paths.</exception>
    public static string Resolve(string baseDirectory, string path, string key)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new Core.InvalidOptionException(key, path, "must be a file path");
        var full = Path.GetFullPath(Path.Combine(baseDirectory, path));
        if (Directory.Exists(full))
            throw new IOException($"`{key}`: '{path}' is a folder ({full}); give the data file in it.");
        if (!File.Exists(full))
            throw new FileNotFoundException($"`{key}`: file '{path}' not found (looked for {full}).", full);
        return full;
    }

    /// <summary>True when the name ends in <c>.gz</c> (the content is then gzip-compressed).</summary>
    public static bool IsGzip(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    /// <summary>The file's name without a trailing <c>.gz</c>, lower-cased extension (".csv", ".tsv", ".jsonl").</summary>
    public static string InnerExtension(string path)
    {
        var name = IsGzip(path) ? path[..^3] : path;
        return Path.GetExtension(name).ToLowerInvariant();
    }

    /// <summary>Opens a line reader over the file, decompressing <c>.gz</c> on the fly: every gzip member's header,
    /// trailer (CRC32, length) and the file's end are checked (<see cref="IO.CheckedGzipStream"/>), so a damaged or
    /// cut file is an error naming it and the line reached, never partial data.</summary>
    /// <exception cref="InvalidDataException">A <c>.gz</c> name on data that is not gzip, or a damaged first header.</exception>
    public static Utf8LineReader OpenLines(string fullPath)
    {
        if (!IsGzip(fullPath))
            return new Utf8LineReader(new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), fullPath);
        // Unbuffered: CheckedGzipStream reads 64 KiB at a time into its own buffer.
        var file = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan);
        return new Utf8LineReader(new IO.CheckedGzipStream(file, fullPath), fullPath);
    }
}
