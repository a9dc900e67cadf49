using System.Text.Json;

namespace BlairClip.Images.Tests;

/// <summary>Paths of the fixtures copied next to the test assembly, and the generated manifest.</summary>
internal static class Fixtures
{
    public static string Dir(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    public static string Generated(string file) => Dir("images", "generated", file);

    public static string HfClip(string file) => Dir("hf-clip", file);

    public static JsonElement Manifest { get; } =
        JsonDocument.Parse(File.ReadAllText(Generated("manifest.json"))).RootElement;
}
