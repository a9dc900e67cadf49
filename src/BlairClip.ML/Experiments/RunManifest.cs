using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using BlairClip.ML.Experiments.Yaml;
using BlairClip.ML.IO;
using BlairClip.ML.Reporting;
using YamlDotNet.RepresentationModel;

namespace BlairClip.ML.Experiments;

/// <summary>Writes <c>run.json</c>: the resolved study (after overrides) and each model's resolved step options, the
/// seed, tool and runtime versions, the git commit of the study's checkout when there is one, data counters (including
/// dropped interactions, then the counters components reported while fitting) and wall time per stage.</summary>
public static class RunManifest
{
    public static void Write(string path, SpecDocument doc, StudyData study, IReadOnlyList<ModelResult> results,
        IReadOnlyList<object> resolvedModels, DateTime startedUtc, Data.DataReport? fitReport = null)
    {
        var stages = new JsonObject();
        foreach (var (k, v) in study.Times.Stages) stages[k] = v;
        foreach (var r in results)
        {
            stages[$"fit:{r.Name}"] = r.FitSeconds;
            stages[$"evaluate:{r.Name}"] = r.EvaluateSeconds;
        }
        var counts = new JsonObject();
        foreach (var (k, v) in study.Data.Report.Counts) counts[k] = v;
        // Counters reported while fitting (e.g. unreadable images), after the loader's.
        if (fitReport is not null) foreach (var (k, v) in fitReport.Counts) counts[k] = v;
        counts["users"] = study.Data.Users.Count;
        counts["items"] = study.Data.Items.Count;
        counts["train_interactions"] = study.Split.Train.Count;
        counts["validation_users"] = study.Split.Validation.Count;
        counts["test_users"] = study.Split.Test.Count;

        var asm = typeof(RunManifest).Assembly;
        var json = new JsonObject
        {
            ["study"] = study.Spec.Name,
            ["spec_file"] = Path.GetFullPath(doc.Path),
            ["spec"] = ToJson(doc.Root),
            ["seed"] = study.Spec.Seed,
            ["models"] = JsonSerializer.SerializeToNode(resolvedModels, Options),
            ["data"] = counts,
            ["stage_seconds"] = stages,
            ["total_seconds"] = (DateTime.UtcNow - startedUtc).TotalSeconds,
            ["started_utc"] = startedUtc.ToString("O"),
            ["versions"] = new JsonObject
            {
                ["blairclip"] = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? asm.GetName().Version?.ToString(),
                ["dotnet"] = RuntimeInformation.FrameworkDescription,
                ["os"] = RuntimeInformation.OSDescription,
                ["processors"] = Environment.ProcessorCount,
            },
            ["git_commit"] = GitCommit(doc.Directory),
        };
        AtomicFile.WriteAllText(path, json.ToJsonString(Options));
    }

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), new YamlNodeJsonConverter() },
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The YAML tree as JSON; plain scalars that read as booleans or numbers become JSON booleans/numbers.</summary>
    public static JsonNode? ToJson(YamlNode? node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Value: null } => null,
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } v when v.Value is "true" or "false" => JsonValue.Create(v.Value == "true"),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } v when long.TryParse(v.Value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } v when double.TryParse(v.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => JsonValue.Create(d),
        YamlScalarNode v => JsonValue.Create(v.Value),
        _ => null,
    };

    private sealed class YamlNodeJsonConverter : System.Text.Json.Serialization.JsonConverter<YamlNode>
    {
        public override YamlNode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();
        public override void Write(Utf8JsonWriter writer, YamlNode value, JsonSerializerOptions options) =>
            (ToJson(value) ?? JsonValue.Create((string?)null))!.WriteTo(writer);
    }

    /// <summary>HEAD of the git checkout holding <paramref name="directory"/> (with "+dirty" when it has changes), or null.</summary>
    public static string? GitCommit(string directory)
    {
        try
        {
            var head = RunGit(directory, "rev-parse HEAD");
            if (head is null) return null;
            var status = RunGit(directory, "status --porcelain --untracked-files=no");
            return string.IsNullOrWhiteSpace(status) ? head : head + "+dirty";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }

    private static string? RunGit(string dir, string args)
    {
        var psi = new ProcessStartInfo("git", args) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return p.ExitCode == 0 ? output : null;
    }
}
