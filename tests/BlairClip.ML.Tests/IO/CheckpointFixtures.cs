using System.Text.Json;

namespace BlairClip.ML.Tests.IO;

/// <summary>Paths of Fixtures/checkpoints and the values make_expected.py read from them independently.</summary>
internal static class CheckpointFixtures
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures", "checkpoints");

    public static string Path_(string relative) => Path.Combine(Root, relative);

    public sealed record ExpectedTensor(string Name, string DType, long[] Shape, string Sha256, double Sum, double[] First);

    private static readonly Lazy<JsonDocument> Expected = new(() => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Root, "expected.json"))));

    /// <summary>Tensors of fixture <paramref name="relative"/> in file order (pickle order for .bin, offset order for safetensors).</summary>
    public static List<ExpectedTensor> ExpectedTensors(string relative) =>
        Expected.Value.RootElement.GetProperty(relative).GetProperty("tensors").EnumerateObject()
            .Select(p => new ExpectedTensor(p.Name, p.Value.GetProperty("dtype").GetString()!,
                p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
                p.Value.GetProperty("sha256").GetString()!, p.Value.GetProperty("sum").GetDouble(),
                p.Value.GetProperty("first").EnumerateArray().Select(e => e.GetDouble()).ToArray()))
            .ToList();
}

/// <summary>A temporary folder removed on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("blairclip-ckpt-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
