namespace BlairClip.ML.Tests;

/// <summary>Paths inside the repository (the folder holding BlairClip.ML.sln, found from the test binaries); tests may
/// read data/samples, never ../shared.</summary>
public static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Samples(params string[] parts) => Path.Combine([Root, "data", "samples", .. parts]);

    public static string AllBeauty => Samples("all-beauty");

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "BlairClip.ML.sln"))) return d.FullName;
        throw new DirectoryNotFoundException($"No BlairClip.ML.sln above {AppContext.BaseDirectory}.");
    }
}
