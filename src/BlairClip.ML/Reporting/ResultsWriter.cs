using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BlairClip.ML.IO;

namespace BlairClip.ML.Reporting;

/// <summary>Writes a study's comparison table as <c>results.md</c>, <c>results.csv</c>, <c>results.json</c>, and
/// <c>per_user/&lt;model&gt;.csv</c> (user, held-out item, rank, candidates, each metric). Every file is written
/// atomically.</summary>
public static class ResultsWriter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void WriteAll(StudyResult result, string directory, bool perUser)
    {
        AtomicFile.WriteAllText(Path.Combine(directory, "results.md"), Markdown(result));
        AtomicFile.WriteAllText(Path.Combine(directory, "results.csv"), Csv(result));
        AtomicFile.WriteAllText(Path.Combine(directory, "results.json"), Json(result));
        if (result.Curves is { } curves) AtomicFile.WriteAllText(Path.Combine(directory, CurvesFile), CurvesJson(curves));
        if (result.Profile is { } profile) AtomicFile.WriteAllText(Path.Combine(directory, ProfileFile), profile.ToJson().ToJsonString(Indented));
        if (perUser)
            foreach (var m in result.Models)
                AtomicFile.WriteAllText(Path.Combine(directory, "per_user", m.FileStem + ".csv"), PerUserCsv(m, result));
    }

    /// <summary>The curves file: <c>{"k": [1…100], "models": {name: {"recall": […], "ndcg": […]}}}</c>.</summary>
    public const string CurvesFile = "curves.json";
    /// <summary><c>results.json</c>'s <c>format</c>.</summary>
    public const string ResultsFormat = "blairclip.results";
    /// <summary><c>results.json</c>'s <c>format_version</c>; files without one (written before it existed) are version 1.
    /// Raise it when a reader of the old layout would misread the new one.</summary>
    public const int ResultsFormatVersion = 1;
    /// <summary>The data profile file (<see cref="Data.DataProfile.ToJson"/>).</summary>
    public const string ProfileFile = "data_profile.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string CurvesJson(IReadOnlyDictionary<string, RankCurves> curves)
    {
        int maxK = curves.Values.Select(c => c.Recall.Length).DefaultIfEmpty(0).Max();
        return new JsonObject
        {
            ["k"] = new JsonArray(Enumerable.Range(1, maxK).Select(k => (JsonNode)k).ToArray()),
            ["models"] = new JsonObject(curves.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonObject
            {
                ["recall"] = new JsonArray(kv.Value.Recall.Select(v => (JsonNode)v).ToArray()),
                ["ndcg"] = new JsonArray(kv.Value.Ndcg.Select(v => (JsonNode)v).ToArray()),
            }))),
        }.ToJsonString(Indented);
    }

    /// <summary>Metric names in first-seen order over all models.</summary>
    public static IReadOnlyList<string> MetricNames(StudyResult r) =>
        r.Models.SelectMany(m => m.Evaluation.Metrics.Keys).Distinct().ToList();

    public static string Markdown(StudyResult r)
    {
        var metrics = MetricNames(r);
        var sb = new StringBuilder();
        sb.Append("# ").Append(r.Name).Append("\n\n");
        sb.Append("| Model | Users | ").Append(string.Join(" | ", metrics)).Append(" | Fit (s) | Evaluate (s) |\n");
        sb.Append("|---|---:|").Append(string.Concat(metrics.Select(_ => "---:|"))).Append("---:|---:|\n");
        var sig = r.Significance;
        foreach (var m in r.Models)
        {
            sb.Append("| ").Append(m.Name).Append(m.Name == sig?.Baseline ? " (baseline)" : "").Append(" | ").Append(m.Evaluation.Users).Append(" | ");
            foreach (var name in metrics)
            {
                sb.Append(m.Evaluation.Metrics.TryGetValue(name, out var v) ? v.ToString("F4", Inv) : "");
                if (sig is not null && sig.VersusBaseline.TryGetValue(m.Name, out var vs) && vs.TryGetValue(name, out var c) && c.Mark != 0)
                    sb.Append(c.Mark > 0 ? " ▲" : " ▼");
                sb.Append(" | ");
            }
            sb.Append(m.FitSeconds.ToString("F2", Inv)).Append(" | ").Append(m.EvaluateSeconds.ToString("F2", Inv)).Append(" |\n");
        }
        if (r.Slices is { } slices)
            for (int f = 0; f < slices.Families.Count; f++)
            {
                sb.Append($"\n## Slice: {slices.Families[f]}\n\n| Slice | Users | Model | ").Append(string.Join(" | ", metrics)).Append(" |\n|---|---:|---|")
                  .Append(string.Concat(metrics.Select(_ => "---:|"))).Append('\n');
                var byModel = r.Models.Select(m => (m, Means: slices.Means(f, m.Evaluation).ToDictionary(x => x.Label))).ToList();
                foreach (var (label, users) in slices.Groups(f))
                    foreach (var (m, means) in byModel)
                        sb.Append($"| {label} | {users.Length} | {m.Name} | ").Append(string.Join(" | ", metrics.Select(k => m.Evaluation.MetricNames.ToList().IndexOf(k) is var j and >= 0
                            ? means[label].Means[j].ToString("F4", Inv) : ""))).Append(" |\n");
            }
        if (sig is null) return sb.ToString();
        if (sig.Baseline is not null)
        {
            sb.Append($"\n▲ / ▼: significantly better / worse than {sig.Baseline} (paired t-test, Holm-corrected across models, α = 0.05).\n");
            sb.Append($"\n## Against {sig.Baseline}\n\n| Model | Metric | Difference | 95% CI | t-test p | Holm | Wilcoxon p | Holm |\n|---|---|---:|---|---:|---:|---:|---:|\n");
            foreach (var (model, table) in sig.VersusBaseline)
                foreach (var (metric, c) in table)
                    sb.Append($"| {model} | {metric} | {c.Difference.ToString("+0.0000;-0.0000", Inv)} | [{c.CiLower.ToString("F4", Inv)}, {c.CiUpper.ToString("F4", Inv)}] | "
                        + $"{P(c.TTestP)} | {P(c.TTestHolm)} | {P(c.WilcoxonP)} | {P(c.WilcoxonHolm)} |\n");
        }
        sb.Append($"\n## 95% confidence intervals (bootstrap over users, {Significance.Resamples} resamples)\n\n| Model | ").Append(string.Join(" | ", metrics)).Append(" |\n|---|")
          .Append(string.Concat(metrics.Select(_ => "---|"))).Append('\n');
        foreach (var (model, table) in sig.Intervals)
            sb.Append("| ").Append(model).Append(" | ").Append(string.Join(" | ", metrics.Select(k => table.TryGetValue(k, out var ci)
                ? $"[{ci.Lower.ToString("F4", Inv)}, {ci.Upper.ToString("F4", Inv)}]" : ""))).Append(" |\n");
        return sb.ToString();
    }

    private static string P(double p) => PValue(p, "");

    /// <summary>A p-value as every table shows it: 4 decimals, or 1 significant digit in E notation below 1e-4; NaN as <paramref name="missing"/>.</summary>
    public static string PValue(double p, string missing) => double.IsNaN(p) ? missing : p < 1e-4 ? p.ToString("0.0E+0", Inv) : p.ToString("F4", Inv);

    public static string Csv(StudyResult r)
    {
        var metrics = MetricNames(r);
        var sb = new StringBuilder();
        sb.Append("model,users,").Append(string.Join(",", metrics.Select(CsvField))).Append(",fit_seconds,evaluate_seconds\n");
        foreach (var m in r.Models)
        {
            sb.Append(CsvField(m.Name)).Append(',').Append(m.Evaluation.Users);
            foreach (var name in metrics)
                sb.Append(',').Append(m.Evaluation.Metrics.TryGetValue(name, out var v) ? v.ToString("R", Inv) : "");
            sb.Append(',').Append(m.FitSeconds.ToString("R", Inv)).Append(',').Append(m.EvaluateSeconds.ToString("R", Inv)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary><c>{"name", "models": [{"name", "users", "metrics": {…}, "fit_seconds", "evaluate_seconds"}]}</c>.</summary>
    public static string Json(StudyResult r)
    {
        var models = new JsonArray();
        foreach (var m in r.Models)
        {
            var metrics = new JsonObject();
            foreach (var (k, v) in m.Evaluation.Metrics) metrics[k] = v;
            var entry = new JsonObject
            {
                ["name"] = m.Name, ["users"] = m.Evaluation.Users, ["metrics"] = metrics,
                ["fit_seconds"] = m.FitSeconds, ["evaluate_seconds"] = m.EvaluateSeconds,
            };
            if (r.Significance is { } sig)
            {
                if (sig.Intervals.TryGetValue(m.Name, out var cis))
                    entry["ci95"] = new JsonObject(cis.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray(kv.Value.Lower, kv.Value.Upper))));
                if (sig.VersusBaseline.TryGetValue(m.Name, out var vs))
                    entry["vs_baseline"] = new JsonObject(vs.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonObject
                    {
                        ["difference"] = kv.Value.Difference, ["ci95"] = new JsonArray(kv.Value.CiLower, kv.Value.CiUpper),
                        ["ttest_p"] = Finite(kv.Value.TTestP), ["ttest_p_holm"] = Finite(kv.Value.TTestHolm),
                        ["wilcoxon_p"] = Finite(kv.Value.WilcoxonP), ["wilcoxon_p_holm"] = Finite(kv.Value.WilcoxonHolm),
                        ["significant"] = kv.Value.Mark,
                    })));
            }
            models.Add(entry);
        }
        var root = new JsonObject { ["format"] = ResultsFormat, ["format_version"] = ResultsFormatVersion, ["name"] = r.Name, ["models"] = models };
        if (r.Slices is { } slices)
        {
            var all = new JsonObject();
            for (int f = 0; f < slices.Families.Count; f++)
            {
                var family = new JsonObject();
                var byModel = r.Models.Select(m => (m, Means: slices.Means(f, m.Evaluation).ToDictionary(x => x.Label))).ToList();
                foreach (var (label, users) in slices.Groups(f))
                    family[label] = new JsonObject
                    {
                        ["users"] = users.Length,
                        ["models"] = new JsonObject(byModel.Select(x => KeyValuePair.Create(x.m.Name, (JsonNode?)new JsonObject(
                            x.m.Evaluation.MetricNames.Select((k, j) => KeyValuePair.Create(k, (JsonNode?)x.Means[label].Means[j])))))),
                    };
                all[slices.Families[f]] = family;
            }
            root["slices"] = all;
        }
        if (r.Significance?.Baseline is { } baseline) root["baseline"] = baseline;
        return root.ToJsonString(Indented);
    }

    /// <summary>JSON has no NaN: a non-finite value is written as null.</summary>
    private static JsonNode? Finite(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    public static string PerUserCsv(ModelResult m, StudyResult r)
    {
        var e = m.Evaluation;
        var sb = new StringBuilder();
        sb.Append("user,item,rank,candidates,").Append(string.Join(",", e.MetricNames.Select(CsvField)));
        if (r.Slices is { } slices) foreach (var f in slices.Families) sb.Append(",slice_").Append(f);
        sb.Append('\n');
        for (int k = 0; k < e.PerUser.Count; k++)
        {
            var u = e.PerUser[k];
            sb.Append(CsvField(r.Users[u.User])).Append(',').Append(CsvField(r.Items[u.Item])).Append(',')
              .Append(u.Rank.ToString("R", Inv)).Append(',').Append(u.Candidates);
            foreach (var v in u.Values) sb.Append(',').Append(v.ToString("R", Inv));
            if (r.Slices is { } s2) foreach (var label in s2.Labels[k]) sb.Append(',').Append(CsvField(label));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string CsvField(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
