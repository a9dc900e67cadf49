namespace BlairClip.ML.IO;

/// <summary>Writes a file so that readers never see it half written: the content goes to a temporary file in the
/// same folder, which is then renamed over the target. On failure the temporary file is removed.</summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = HiddenTemporaryPath(Path.GetDirectoryName(full)!, Path.GetFileName(full));
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                write(stream);
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>A new hidden path in <paramref name="folder"/> for a temporary file of this process named after
    /// <paramref name="name"/>: <c>.name.pid.guid.tmp</c>.</summary>
    internal static string HiddenTemporaryPath(string folder, string name) =>
        Path.Combine(folder, $".{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false)); w.Write(text); });
}
