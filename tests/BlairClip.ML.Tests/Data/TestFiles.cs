using System.IO.Compression;
using System.Text;

namespace BlairClip.ML.Tests.Data;

/// <summary>A temporary folder with hand-written data files, removed on dispose.</summary>
public sealed class TestFiles : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("blairclip-data-").FullName;

    /// <summary>Writes <paramref name="lines"/> (joined with '\n') to <paramref name="name"/>; gzip when it ends in .gz.</summary>
    public string Write(string name, params string[] lines)
    {
        var path = Path.Combine(Dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
        if (name.EndsWith(".gz"))
        {
            using var f = File.Create(path);
            using var gz = new GZipStream(f, CompressionLevel.Fastest);
            gz.Write(bytes);
        }
        else File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
