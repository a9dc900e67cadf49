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
        if (perUser)
            foreach (var m in result.Models)
                AtomicFile.WriteAllText(Path.Combine(directory, "per_user", m.FileStem + ".csv"), PerUserCsv(m, result));
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
        foreach (var m in r.Models)
        {
            sb.Append("| ").Append(m.Name).Append(" | ").Append(m.Evaluation.Users).Append(" | ");
            foreach (var name in metrics)
                sb.Append(m.Evaluation.Metrics.TryGetValue(name, out var v) ? v.ToString("F4", Inv) : "").Append(" | ");
            sb.Append(m.FitSeconds.ToString("F2", Inv)).Append(" | ").Append(m.EvaluateSeconds.ToString("F2", Inv)).Append(" |\n");
        }
        return sb.ToString();
    }

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
            models.Add(new JsonObject
            {
                ["name"] = m.Name, ["users"] = m.Evaluation.Users, ["metrics"] = metrics,
                ["fit_seconds"] = m.FitSeconds, ["evaluate_seconds"] = m.EvaluateSeconds,
            });
        }
        return new JsonObject { ["name"] = r.Name, ["models"] = models }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    public static string PerUserCsv(ModelResult m, StudyResult r)
    {
        var e = m.Evaluation;
        var sb = new StringBuilder();
        sb.Append("user,item,rank,candidates,").Append(string.Join(",", e.MetricNames.Select(CsvField))).Append('\n');
        foreach (var u in e.PerUser)
        {
            sb.Append(CsvField(r.Users[u.User])).Append(',').Append(CsvField(r.Items[u.Item])).Append(',')
              .Append(u.Rank.ToString("R", Inv)).Append(',').Append(u.Candidates);
            foreach (var v in u.Values) sb.Append(',').Append(v.ToString("R", Inv));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string CsvField(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
