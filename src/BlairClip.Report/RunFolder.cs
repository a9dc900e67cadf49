using System.Text.Json;
using System.Text.Json.Nodes;
using BlairClip.ML.Data;
using BlairClip.ML.Reporting;

namespace BlairClip.Report;

/// <summary>A finished results folder read back from its files: <c>results.json</c>, <c>run.json</c>, and (when the run
/// wrote them) <c>curves.json</c> and <c>data_profile.json</c>. The report and <c>compare</c> read runs only this way, so
/// they work on any results folder, now or later.</summary>
public sealed class RunFolder
{
    private RunFolder(string path, JsonNode results, JsonNode manifest, IReadOnlyList<KeyValuePair<string, RankCurves>> curves, DataProfile? profile)
    {
        Path = path; Results = results; Manifest = manifest; Curves = curves; Profile = profile;
    }

    /// <summary>The folder (absolute).</summary>
    public string Path { get; }
    /// <summary><c>results.json</c>: the table, intervals, baseline comparisons and slices.</summary>
    public JsonNode Results { get; }
    /// <summary><c>run.json</c>: the resolved spec, seed, versions, data counters, stage times, training curves.</summary>
    public JsonNode Manifest { get; }
    /// <summary>Recall/NDCG@K curves by model, in table order (empty when the run has no curves.json).</summary>
    public IReadOnlyList<KeyValuePair<string, RankCurves>> Curves { get; }
    /// <summary>The data's distributions (null when the run has no data_profile.json).</summary>
    public DataProfile? Profile { get; }

    public string Study => Results["name"]?.GetValue<string>() ?? System.IO.Path.GetFileName(Path);
    public int? Seed => Manifest["seed"]?.GetValue<int>();
    public int TestUsers => Manifest["data"]?["test_users"]?.GetValue<int>() ?? 0;
    /// <summary>The models of the table, in order.</summary>
    public IReadOnlyList<JsonNode> Models => (Results["models"] as JsonArray)?.Select(m => m!).ToList() ?? [];

    /// <summary>Reads <paramref name="folder"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">No such folder.</exception>
    /// <exception cref="InvalidDataException">It is not a results folder (no results.json or run.json), or a file is not
    /// valid JSON of the expected shape; the message names the file.</exception>
    public static RunFolder Read(string folder)
    {
        var path = System.IO.Path.GetFullPath(folder);
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"{folder}: no such results folder.");
        var results = Json(path, "results.json", required: true)!;
        CheckFormat(results, System.IO.Path.Combine(path, "results.json"));
        var manifest = Json(path, "run.json", required: true)!;
        var curves = new List<KeyValuePair<string, RankCurves>>();
        if (Json(path, ResultsWriter.CurvesFile, required: false)?["models"] is JsonObject byModel)
            foreach (var (name, node) in byModel)
                curves.Add(new(name, new RankCurves(Doubles(node?["recall"], path, name), Doubles(node?["ndcg"], path, name))));
        var profileNode = Json(path, ResultsWriter.ProfileFile, required: false);
        var profile = profileNode is null ? null : DataProfile.FromJson(profileNode, System.IO.Path.Combine(path, ResultsWriter.ProfileFile));
        return new RunFolder(path, results, manifest, curves, profile);
    }

    /// <exception cref="InvalidDataException">Another program's file, or one written by a newer BlairClip.ML.</exception>
    private static void CheckFormat(JsonNode results, string file)
    {
        if (results["format"] is { } format && (format as JsonValue)?.GetValue<string>() != ResultsWriter.ResultsFormat)
            throw new InvalidDataException($"{file}: format is {format.ToJsonString()}, not \"{ResultsWriter.ResultsFormat}\".");
        int version = 1;
        if (results["format_version"] is { } v && !(v is JsonValue value && value.TryGetValue(out version)))
            throw new InvalidDataException($"{file}: format_version must be an integer, but is {v.ToJsonString()}.");
        if (version > ResultsWriter.ResultsFormatVersion)
            throw new InvalidDataException(
                $"{file}: written by a newer BlairClip.ML (results format {version}); this build reads formats up to {ResultsWriter.ResultsFormatVersion}. Upgrade BlairClip.ML to read it.");
    }

    private static double[] Doubles(JsonNode? node, string folder, string model) =>
        (node as JsonArray)?.Select(v => v?.GetValue<double>() ?? double.NaN).ToArray()
        ?? throw new InvalidDataException($"{System.IO.Path.Combine(folder, ResultsWriter.CurvesFile)}: model '{model}' has no recall/ndcg arrays.");

    private static JsonNode? Json(string folder, string name, bool required)
    {
        var file = System.IO.Path.Combine(folder, name);
        if (!File.Exists(file))
            return required ? throw new InvalidDataException($"{folder} is not a results folder of this program: it has no {name}.") : null;
        try { return JsonNode.Parse(File.ReadAllText(file)) ?? throw new InvalidDataException($"{file}: empty JSON."); }
        catch (JsonException e) { throw new InvalidDataException($"{file}: not valid JSON (line {e.LineNumber + 1}: {e.Message}).", e); }
    }

    /// <summary>Every test user's value of <paramref name="metric"/> for <paramref name="model"/> (from
    /// <c>per_user/</c>), or null when the run kept no per-user results or the metric is not among them.</summary>
    public IReadOnlyDictionary<string, double>? PerUser(string model, string metric)
    {
        var file = System.IO.Path.Combine(Path, "per_user", ModelResult.FileStemOf(model) + ".csv");
        return File.Exists(file) ? PerUserResults.Read(file, metric) : null;
    }
}
