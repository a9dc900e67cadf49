using System.IO.Compression;

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

    /// <summary>Opens a line reader over the file, decompressing <c>.gz</c> on the fly.</summary>
    public static Utf8LineReader OpenLines(string fullPath)
    {
        Stream s = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        if (IsGzip(fullPath))
        {
            // .NET's own message for a non-gzip stream ("unsupported compression method") names no file.
            Span<byte> magic = stackalloc byte[2];
            int n = s.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            if (n < 2 || magic[0] != 0x1F || magic[1] != 0x8B)
            {
                s.Dispose();
                throw new InvalidDataException($"{fullPath} is named .gz but is not gzip data (first bytes {Convert.ToHexString(magic[..n])}); rename it or compress it.");
            }
            s.Position = 0;
            s = new GZipStream(s, CompressionMode.Decompress);
        }
        return new Utf8LineReader(s, fullPath);
    }
}
