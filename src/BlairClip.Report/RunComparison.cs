using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BlairClip.ML.Evaluation;

namespace BlairClip.Report;

/// <summary>One model's metric across runs: mean ± sample standard deviation over the runs that have it.</summary>
public sealed record AcrossRuns(double Mean, double Std, int Runs);

/// <summary>A model against the comparison's baseline on one metric. <c>Seeds*</c>: a paired t-test over the runs' means
/// (n = runs holding both). <c>Users*</c>: when every run evaluated the same test users, each user's value averaged
/// over the runs, then a paired t-test and a Wilcoxon signed-rank test over the users; Holm-corrected across models.</summary>
public sealed record AcrossRunsTest(double Difference, int Runs, double SeedsTTestP, int Users, double UsersTTestP, double UsersTTestHolm,
    double UsersWilcoxonP, double UsersWilcoxonHolm);

/// <summary><c>blairclip compare RUN_DIR …</c>: one table across results folders (e.g. one study over seeds, or two
/// studies' shared models), mean ± std per model and metric, and paired tests against a baseline model.</summary>
public sealed class RunComparison
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public IReadOnlyList<RunFolder> Runs { get; }
    public IReadOnlyList<string> Models { get; }
    public IReadOnlyList<string> Metrics { get; }
    public IReadOnlyDictionary<(string Model, string Metric), AcrossRuns> Table { get; }
    public string? Baseline { get; }
    public IReadOnlyDictionary<(string Model, string Metric), AcrossRunsTest> Tests { get; }
    /// <summary>Why the per-user tests were not run (null when they were, or when there is no baseline).</summary>
    public string? UsersNote { get; }

    /// <param name="baseline">The model every other is tested against; null: the runs' own <c>evaluation.baseline</c>
    /// when they all name the same one, else no tests.</param>
    /// <exception cref="ML.Core.InvalidOptionException">Fewer than two runs, or a baseline no run has.</exception>
    public RunComparison(IReadOnlyList<RunFolder> runs, string? baseline = null)
    {
        if (runs.Count < 2) throw new ML.Core.InvalidOptionException("RUN_DIR", runs.Count, "needs at least two results folders");
        Runs = runs;
        Models = runs.SelectMany(r => r.Models.Select(m => m["name"]!.GetValue<string>())).Distinct().ToList();
        Metrics = runs.SelectMany(r => r.Models.SelectMany(m => (m["metrics"] as JsonObject ?? []).Select(kv => kv.Key))).Distinct().ToList();
        var table = new Dictionary<(string, string), AcrossRuns>();
        foreach (var model in Models)
            foreach (var metric in Metrics)
            {
                var values = Values(model, metric).Where(v => v is not null).Select(v => v!.Value).ToArray();
                if (values.Length > 0) table[(model, metric)] = new AcrossRuns(values.Average(), Std(values), values.Length);
            }
        Table = table;

        var named = runs.Select(r => r.Results["baseline"]?.GetValue<string>()).Distinct().ToList();
        Baseline = baseline ?? (named.Count == 1 ? named[0] : null);
        if (Baseline is not null && !Models.Contains(Baseline))
            throw new ML.Core.InvalidOptionException("--baseline", Baseline, $"must be a model of the runs ({string.Join(", ", Models)})");
        var tests = new Dictionary<(string, string), AcrossRunsTest>();
        if (Baseline is not null)
        {
            string? note = null;
            foreach (var metric in Metrics)
            {
                var rows = new List<(string Model, AcrossRunsTest Test)>();
                foreach (var model in Models.Where(m => m != Baseline))
                {
                    var a = Values(model, metric); var b = Values(Baseline, metric);
                    var d = a.Zip(b).Where(p => p.First is not null && p.Second is not null).Select(p => p.First!.Value - p.Second!.Value).ToArray();
                    if (d.Length == 0) continue;
                    double seedsP = d.Length >= 2 ? PairedComparison.TTest(d).P : double.NaN;
                    var (users, tP, wP, why) = PerUser(model, metric);
                    note ??= why;
                    rows.Add((model, new AcrossRunsTest(d.Average(), d.Length, seedsP, users, tP, double.NaN, wP, double.NaN)));
                }
                var th = Holm.Adjust(rows.Select(r => r.Test.UsersTTestP).ToList());
                var wh = Holm.Adjust(rows.Select(r => r.Test.UsersWilcoxonP).ToList());
                for (int i = 0; i < rows.Count; i++) tests[(rows[i].Model, metric)] = rows[i].Test with { UsersTTestHolm = th[i], UsersWilcoxonHolm = wh[i] };
            }
            UsersNote = note;
        }
        Tests = tests;
    }

    /// <summary>The model's value of the metric in each run (null where the run lacks it).</summary>
    private double?[] Values(string model, string metric) => Runs.Select(r =>
        r.Models.FirstOrDefault(m => m["name"]?.GetValue<string>() == model)?["metrics"]?[metric] is JsonValue v && v.TryGetValue<double>(out var d) ? d : (double?)null).ToArray();

    /// <summary>Per-user test over users averaged across runs, when every run has both models' per-user results for the same users.</summary>
    private (int Users, double TTestP, double WilcoxonP, string? Why) PerUser(string model, string metric)
    {
        var a = Runs.Select(r => r.PerUser(model, metric)).ToList();
        var b = Runs.Select(r => r.PerUser(Baseline!, metric)).ToList();
        if (a.Concat(b).Any(x => x is null))
            return (0, double.NaN, double.NaN, "per-user tests need every run's per_user/ CSVs of both models (output.per_user: true)");
        var users = a[0]!.Keys.Order(StringComparer.Ordinal).ToArray();
        if (a.Concat(b).Any(x => x!.Count != users.Length || !users.All(x.ContainsKey)))
            return (0, double.NaN, double.NaN, "per-user tests need the same test users in every run; these runs' users differ");
        var d = users.Select(u => Enumerable.Range(0, Runs.Count).Average(r => a[r]![u] - b[r]![u])).ToArray();
        return d.Length < 2 ? (d.Length, double.NaN, double.NaN, null) : (d.Length, PairedComparison.TTest(d).P, SignedRankTest.TwoSidedP(d), null);
    }

    private static double Std(double[] v)
    {
        if (v.Length < 2) return double.NaN;
        double mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
    }

    private static string F(double v) => double.IsNaN(v) ? "—" : v.ToString("F4", Inv);
    private static string P(double p) => ML.Reporting.ResultsWriter.PValue(p, "—");
    private string Cell(string model, string metric) => Table.TryGetValue((model, metric), out var c)
        ? (double.IsNaN(c.Std) ? F(c.Mean) : $"{F(c.Mean)} ± {F(c.Std)}") + (c.Runs < Runs.Count ? $" (n={c.Runs})" : "") : "";

    private string RunsLine(RunFolder r) => $"{r.Study}, seed {r.Seed}, {r.TestUsers} test users: {r.Path}";

    public string Markdown()
    {
        var sb = new StringBuilder();
        sb.Append($"# Comparison of {Runs.Count} runs\n\n");
        foreach (var r in Runs) sb.Append("- ").Append(RunsLine(r)).Append('\n');
        sb.Append("\nMean ± sample standard deviation over the runs (n = runs holding the model when not all).\n\n| Model | ").Append(string.Join(" | ", Metrics)).Append(" |\n|---|")
          .Append(string.Concat(Metrics.Select(_ => "---:|"))).Append('\n');
        foreach (var model in Models)
            sb.Append("| ").Append(model).Append(model == Baseline ? " (baseline)" : "").Append(" | ").Append(string.Join(" | ", Metrics.Select(k => Cell(model, k)))).Append(" |\n");
        if (Baseline is null) return sb.ToString();
        sb.Append($"\n## Against {Baseline}\n\nSeeds: paired t-test over the runs' means. Users: each user's value averaged over the runs, paired t-test and Wilcoxon signed-rank over users, Holm across models.\n");
        if (UsersNote is not null) sb.Append("Per-user tests not run: ").Append(UsersNote).Append(".\n");
        sb.Append("\n| Model | Metric | Difference | Runs | Seeds t-test p | Users | Users t-test p | Holm | Users Wilcoxon p | Holm |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var ((model, metric), t) in Tests)
            sb.Append($"| {model} | {metric} | {t.Difference.ToString("+0.0000;-0.0000", Inv)} | {t.Runs} | {P(t.SeedsTTestP)} | {t.Users} | {P(t.UsersTTestP)} | {P(t.UsersTTestHolm)} | {P(t.UsersWilcoxonP)} | {P(t.UsersWilcoxonHolm)} |\n");
        return sb.ToString();
    }

    public string Json()
    {
        JsonNode? N(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
        var root = new JsonObject
        {
            ["runs"] = new JsonArray(Runs.Select(r => (JsonNode)new JsonObject { ["path"] = r.Path, ["study"] = r.Study, ["seed"] = r.Seed, ["test_users"] = r.TestUsers }).ToArray()),
            ["baseline"] = Baseline,
            ["models"] = new JsonObject(Models.Select(m => KeyValuePair.Create(m, (JsonNode?)new JsonObject(Metrics.Where(k => Table.ContainsKey((m, k))).Select(k =>
                KeyValuePair.Create(k, (JsonNode?)new JsonObject { ["mean"] = Table[(m, k)].Mean, ["std"] = N(Table[(m, k)].Std), ["runs"] = Table[(m, k)].Runs })))))),
            ["vs_baseline"] = new JsonArray(Tests.Select(kv => (JsonNode)new JsonObject
            {
                ["model"] = kv.Key.Model, ["metric"] = kv.Key.Metric, ["difference"] = kv.Value.Difference, ["runs"] = kv.Value.Runs,
                ["seeds_ttest_p"] = N(kv.Value.SeedsTTestP), ["users"] = kv.Value.Users, ["users_ttest_p"] = N(kv.Value.UsersTTestP),
                ["users_ttest_p_holm"] = N(kv.Value.UsersTTestHolm), ["users_wilcoxon_p"] = N(kv.Value.UsersWilcoxonP), ["users_wilcoxon_p_holm"] = N(kv.Value.UsersWilcoxonHolm),
            }).ToArray()),
            ["users_note"] = UsersNote,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    public string Html()
    {
        static string E(string? s) => System.Net.WebUtility.HtmlEncode(s ?? "");
        var sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Comparison of runs</title><style>"
            + "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1400px;padding:0 1em}table{border-collapse:collapse;margin:.5em 0 1em}"
            + "th,td{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:right}th:first-child,td:first-child{text-align:left}</style></head><body>\n");
        sb.Append("<h1>Comparison of ").Append(Runs.Count).Append(" runs</h1>\n<ul>");
        foreach (var r in Runs) sb.Append("<li>").Append(E(RunsLine(r))).Append("</li>");
        sb.Append("</ul>\n<table><thead><tr><th>Model</th>");
        foreach (var k in Metrics) sb.Append("<th>").Append(E(k)).Append("</th>");
        sb.Append("</tr></thead><tbody>\n");
        foreach (var model in Models)
        {
            sb.Append("<tr><td>").Append(E(model)).Append(model == Baseline ? " <i>(baseline)</i>" : "").Append("</td>");
            foreach (var k in Metrics) sb.Append("<td>").Append(E(Cell(model, k))).Append("</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody></table>\n");
        if (Baseline is not null)
        {
            sb.Append("<h2>Against ").Append(E(Baseline)).Append("</h2>\n");
            if (UsersNote is not null) sb.Append("<p>Per-user tests not run: ").Append(E(UsersNote)).Append(".</p>");
            sb.Append("<table><thead><tr><th>Model</th><th>Metric</th><th>Difference</th><th>Runs</th><th>Seeds t-test p</th><th>Users</th><th>Users t-test p</th><th>Holm</th><th>Users Wilcoxon p</th><th>Holm</th></tr></thead><tbody>\n");
            foreach (var ((model, metric), t) in Tests)
                sb.Append($"<tr><td>{E(model)}</td><td>{E(metric)}</td><td>{t.Difference.ToString("+0.0000;-0.0000", Inv)}</td><td>{t.Runs}</td><td>{P(t.SeedsTTestP)}</td><td>{t.Users}</td><td>{P(t.UsersTTestP)}</td><td>{P(t.UsersTTestHolm)}</td><td>{P(t.UsersWilcoxonP)}</td><td>{P(t.UsersWilcoxonHolm)}</td></tr>\n");
            sb.Append("</tbody></table>\n");
        }
        return sb.Append("</body></html>\n").ToString();
    }
}
