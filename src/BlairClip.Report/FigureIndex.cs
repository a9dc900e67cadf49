using System.Text.Json;
using System.Text.Json.Nodes;

namespace BlairClip.Report;

/// <summary>One figure the plotting tool drew: <c>&lt;Name&gt;.svg</c> and <c>.png</c> in its folder, a title and a caption.</summary>
public sealed record FigureEntry(string Name, string Title, string Caption);

/// <summary><c>figures.json</c>, which the plotting tool writes beside the figures: what it drew, in order.</summary>
public static class FigureIndex
{
    public const string FileName = "figures.json";

    /// <summary>The exploratory figures' file stems, in order (known before any data is read, so a caller can refuse a
    /// clash with existing files first).</summary>
    public static IReadOnlyList<string> DataFigures { get; } =
        ["interactions_per_user", "interactions_per_item", "test_history_lengths", "text_words", "coverage", "split"];

    public static string ToJson(IEnumerable<FigureEntry> figures) => new JsonArray(figures.Select(f => (JsonNode)new JsonObject
    {
        ["name"] = f.Name, ["title"] = f.Title, ["caption"] = f.Caption,
    }).ToArray()).ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <exception cref="InvalidDataException">The file is missing or malformed; the message names it.</exception>
    public static IReadOnlyList<FigureEntry> Read(string folder)
    {
        var file = Path.Combine(folder, FileName);
        try
        {
            return (JsonNode.Parse(File.ReadAllText(file)) as JsonArray ?? throw new InvalidDataException($"{file}: expected a JSON array."))
                .Select(n => new FigureEntry(n!["name"]!.GetValue<string>(), n["title"]!.GetValue<string>(), n["caption"]!.GetValue<string>())).ToList();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FileNotFoundException)
        {
            throw new InvalidDataException($"{file}: not the plotting tool's figure list ({e.Message}).", e);
        }
    }
}
