using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BlairClip.ML.IO;
using BlairClip.ML.Reporting;

namespace BlairClip.Report;

/// <summary>Writes a results folder's <c>report.html</c> — one self-contained page that opens offline: the comparison
/// table with 95 % intervals and significance marks, the comparisons with the baseline, the slices, every figure
/// (inlined as SVG data URIs), and the run manifest (spec, seed, versions, data counters, stage times) — and the
/// figures themselves as <c>plots/*.svg</c> and <c>plots/*.png</c>. It reads only the folder's files.</summary>
public sealed class HtmlReport : IRunFolderWriter
{
    public const string FileName = "report.html";
    public const string PlotsFolder = "plots";

    public string Name => "report";
    public IReadOnlyList<string> Creates { get; } = [FileName, PlotsFolder];

    public void Write(string runFolder)
    {
        var run = RunFolder.Read(runFolder);
        PlotsTool.DrawRun(run.Path);
        var plots = Path.Combine(run.Path, PlotsFolder);
        AtomicFile.WriteAllText(Path.Combine(run.Path, FileName), Html(run, FigureIndex.Read(plots).Select(f => (f, File.ReadAllText(Path.Combine(plots, f.Name + ".svg")))).ToList()));
    }

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The page, with each figure's SVG inlined.</summary>
    public static string Html(RunFolder run, IReadOnlyList<(FigureEntry Figure, string Svg)> figures)
    {
        var sb = new StringBuilder();
        var m = run.Manifest;
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(run.Study)).Append(" — BlairClip.ML report</title>\n")
          .Append("<style>").Append(Css).Append("</style></head><body>\n");
        sb.Append("<h1>").Append(E(run.Study)).Append("</h1>\n<p class=\"meta\">")
          .Append(E($"seed {run.Seed}, started {m["started_utc"]}, {Num(m["total_seconds"], "F1")} s, {m["data"]?["test_users"]} test users, git {m["git_commit"] ?? "—"}"))
          .Append("<br>study ").Append(E(m["spec_file"]?.ToString())).Append("</p>\n");
        Sections.ResultsTable(sb, run);
        Sections.Baseline(sb, run);
        Sections.Slices(sb, run);
        if (figures.Count > 0)
        {
            sb.Append("<h2>Figures</h2>\n<div class=\"figures\">\n");
            foreach (var (f, svg) in figures)
                sb.Append("<figure id=\"fig-").Append(E(f.Name)).Append("\"><img alt=\"").Append(E(f.Title))
                  .Append("\" src=\"data:image/svg+xml;base64,").Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(svg))).Append("\"><figcaption><b>")
                  .Append(E(f.Title)).Append(".</b> ").Append(E(f.Caption)).Append(" <a href=\"").Append(PlotsFolder).Append('/').Append(E(f.Name)).Append(".svg\">svg</a></figcaption></figure>\n");
            sb.Append("</div>\n");
        }
        Sections.Manifest(sb, run);
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    private static string E(string? s) => System.Net.WebUtility.HtmlEncode(s ?? "");
    private static string Num(JsonNode? n, string format) => n is JsonValue v && v.TryGetValue<double>(out var d) ? d.ToString(format, Inv) : "";
    private static string P(JsonNode? n) => ResultsWriter.PValue(n is JsonValue v && v.TryGetValue<double>(out var p) ? p : double.NaN, "—");

    /// <summary>The page's sections, each from one part of the folder.</summary>
    private static class Sections
    {
        public static void ResultsTable(StringBuilder sb, RunFolder run)
        {
            var models = run.Models;
            var metrics = models.SelectMany(x => (x["metrics"] as JsonObject ?? []).Select(kv => kv.Key)).Distinct().ToList();
            var baseline = run.Results["baseline"]?.GetValue<string>();
            sb.Append("<h2>Results</h2>\n<table class=\"results\"><thead><tr><th>Model</th><th>Users</th>");
            foreach (var k in metrics) sb.Append("<th>").Append(E(k)).Append("</th>");
            sb.Append("<th>Fit (s)</th><th>Evaluate (s)</th></tr></thead><tbody>\n");
            foreach (var x in models)
            {
                var name = x["name"]?.GetValue<string>();
                sb.Append("<tr><td>").Append(E(name)).Append(name == baseline ? " <i>(baseline)</i>" : "").Append("</td><td>").Append(x["users"]).Append("</td>");
                foreach (var k in metrics)
                {
                    var mark = x["vs_baseline"]?[k]?["significant"]?.GetValue<int>() ?? 0;
                    var ci = x["ci95"]?[k] as JsonArray;
                    sb.Append("<td class=\"").Append(mark > 0 ? "win" : mark < 0 ? "loss" : "").Append("\">").Append(Num(x["metrics"]?[k], "F4"))
                      .Append(mark > 0 ? " ▲" : mark < 0 ? " ▼" : "");
                    if (ci is not null) sb.Append("<br><small>[").Append(Num(ci[0], "F4")).Append(", ").Append(Num(ci[1], "F4")).Append("]</small>");
                    sb.Append("</td>");
                }
                sb.Append("<td>").Append(Num(x["fit_seconds"], "F2")).Append("</td><td>").Append(Num(x["evaluate_seconds"], "F2")).Append("</td></tr>\n");
            }
            sb.Append("</tbody></table>\n<p class=\"note\">Means over the test users; below each, the 95 % bootstrap interval (")
              .Append(Significance.Resamples).Append(" resamples of users).");
            if (baseline is not null) sb.Append(" ▲ / ▼: significantly better / worse than ").Append(E(baseline)).Append(" (paired t-test, Holm-corrected across models, α = 0.05).");
            sb.Append("</p>\n");
        }

        public static void Baseline(StringBuilder sb, RunFolder run)
        {
            var baseline = run.Results["baseline"]?.GetValue<string>();
            if (baseline is null) return;
            sb.Append("<h2>Against ").Append(E(baseline)).Append("</h2>\n<table><thead><tr><th>Model</th><th>Metric</th><th>Difference</th><th>95% CI</th><th>t-test p</th><th>Holm</th><th>Wilcoxon p</th><th>Holm</th></tr></thead><tbody>\n");
            foreach (var x in run.Models)
                foreach (var (metric, c) in x["vs_baseline"] as JsonObject ?? [])
                    sb.Append("<tr><td>").Append(E(x["name"]?.GetValue<string>())).Append("</td><td>").Append(E(metric)).Append("</td><td>")
                      .Append(Num(c?["difference"], "+0.0000;-0.0000")).Append("</td><td>[").Append(Num(c?["ci95"]?[0], "F4")).Append(", ").Append(Num(c?["ci95"]?[1], "F4"))
                      .Append("]</td><td>").Append(P(c?["ttest_p"])).Append("</td><td>").Append(P(c?["ttest_p_holm"])).Append("</td><td>").Append(P(c?["wilcoxon_p"]))
                      .Append("</td><td>").Append(P(c?["wilcoxon_p_holm"])).Append("</td></tr>\n");
            sb.Append("</tbody></table>\n");
        }

        public static void Slices(StringBuilder sb, RunFolder run)
        {
            if (run.Results["slices"] is not JsonObject families) return;
            foreach (var (family, slices) in families)
            {
                var rows = (slices as JsonObject ?? []).ToList();
                var metrics = rows.SelectMany(r => (r.Value?["models"] as JsonObject ?? []).SelectMany(mm => (mm.Value as JsonObject ?? []).Select(kv => kv.Key))).Distinct().ToList();
                sb.Append("<h2>Slice: ").Append(E(family)).Append("</h2>\n<table><thead><tr><th>Slice</th><th>Users</th><th>Model</th>");
                foreach (var k in metrics) sb.Append("<th>").Append(E(k)).Append("</th>");
                sb.Append("</tr></thead><tbody>\n");
                foreach (var (label, slice) in rows)
                    foreach (var (model, values) in slice?["models"] as JsonObject ?? [])
                    {
                        sb.Append("<tr><td>").Append(E(label)).Append("</td><td>").Append(slice?["users"]).Append("</td><td>").Append(E(model)).Append("</td>");
                        foreach (var k in metrics) sb.Append("<td>").Append(Num(values?[k], "F4")).Append("</td>");
                        sb.Append("</tr>\n");
                    }
                sb.Append("</tbody></table>\n");
            }
        }

        public static void Manifest(StringBuilder sb, RunFolder run)
        {
            var m = run.Manifest;
            sb.Append("<h2>Run</h2>\n<div class=\"manifest\">");
            KeyValues(sb, "Data", m["data"] as JsonObject);
            KeyValues(sb, "Stage seconds", m["stage_seconds"] as JsonObject);
            KeyValues(sb, "Versions", m["versions"] as JsonObject);
            sb.Append("</div>\n<details><summary>Study spec (resolved) and models</summary><pre>")
              .Append(E(new JsonObject { ["spec"] = m["spec"]?.DeepClone(), ["models"] = m["models"]?.DeepClone() }.ToJsonString(new JsonSerializerOptions { WriteIndented = true })))
              .Append("</pre></details>\n");
        }

        private static void KeyValues(StringBuilder sb, string title, JsonObject? values)
        {
            if (values is null) return;
            sb.Append("<table><caption>").Append(E(title)).Append("</caption><tbody>");
            foreach (var (k, v) in values)
                sb.Append("<tr><th>").Append(E(k)).Append("</th><td>").Append(E(v is JsonValue jv && jv.TryGetValue<double>(out var d) && d != Math.Floor(d) ? d.ToString("G4", Inv) : v?.ToString())).Append("</td></tr>");
            sb.Append("</tbody></table>");
        }
    }

    private const string Css = """
        body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1500px; padding: 0 1em; color: #222; }
        h1 { margin-bottom: .2em; } .meta { color: #666; margin-top: 0; }
        table { border-collapse: collapse; margin: .5em 0 1em; } th, td { padding: .25em .6em; border-bottom: 1px solid #ddd; text-align: right; vertical-align: top; }
        th:first-child, td:first-child { text-align: left; } thead th { border-bottom: 2px solid #999; } small { color: #777; }
        td.win { background: #e6f4ea; } td.loss { background: #fce8e6; } .note { color: #555; }
        .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(720px, 1fr)); gap: 1em; }
        figure { margin: 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; } figcaption { color: #444; max-width: 720px; }
        .manifest { display: flex; flex-wrap: wrap; gap: 2em; align-items: flex-start; } caption { font-weight: bold; text-align: left; }
        pre { background: #f6f6f6; padding: 1em; overflow: auto; max-height: 30em; }
        """;
}
