using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentAssertions;

namespace BlairClip.Report.Tests;

/// <summary>The report a run writes: its files, its tables against results.json, its figures.</summary>
public sealed class HtmlReportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("blairclip-report").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void A_run_writes_a_self_contained_report_with_every_table_value_and_figure()
    {
        var outcome = TestRuns.RunQuickstart(Path.Combine(_dir, "run"));
        var folder = outcome.OutputDirectory;
        var html = File.ReadAllText(Path.Combine(folder, HtmlReport.FileName));

        // Self-contained: no external resource, every figure inlined.
        Regex.Matches(html, "(src|href)=\"(https?:|//)").Should().BeEmpty();
        var images = Regex.Matches(html, "<img [^>]*src=\"data:image/svg\\+xml;base64,([^\"]+)\"");
        var expected = new[] { "recall_at_k", "ndcg_at_k" }.Concat(FigureIndex.DataFigures).ToArray();
        images.Should().HaveCount(expected.Length);
        foreach (Match m in images) System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[1].Value)).Should().StartWith("<?xml").And.Contain("<svg");
        foreach (var name in expected)
        {
            File.Exists(Path.Combine(folder, "plots", name + ".svg")).Should().BeTrue(name);
            new FileInfo(Path.Combine(folder, "plots", name + ".png")).Length.Should().BeGreaterThan(1000, name);
        }

        // Every model's every metric and interval, as results.json has them.
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "results.json")))!;
        foreach (var model in results["models"]!.AsArray())
        {
            html.Should().Contain($"<td>{model!["name"]}</td>");
            foreach (var (metric, value) in model["metrics"]!.AsObject())
            {
                html.Should().Contain(value!.GetValue<double>().ToString("F4", System.Globalization.CultureInfo.InvariantCulture), metric);
                var ci = model["ci95"]![metric]!.AsArray();
                html.Should().Contain($"[{ci[0]!.GetValue<double>():F4}, {ci[1]!.GetValue<double>():F4}]");
            }
        }
        html.Should().Contain("Stage seconds").And.Contain("test_users").And.Contain("quickstart.yaml");
    }

    [Fact]
    public void The_recall_curve_passes_through_the_tables_Recall_at_10_and_50()
    {
        var outcome = TestRuns.RunQuickstart(Path.Combine(_dir, "run"));
        var run = RunFolder.Read(outcome.OutputDirectory);
        run.Curves.Select(c => c.Key).Should().Equal(outcome.Result.Models.Select(m => m.Name));
        foreach (var m in outcome.Result.Models)
        {
            var c = run.Curves.Single(x => x.Key == m.Name).Value;
            c.Recall[9].Should().BeApproximately(m.Evaluation.Metrics["Recall@10"], 1e-12, m.Name);
            c.Recall[49].Should().BeApproximately(m.Evaluation.Metrics["Recall@50"], 1e-12, m.Name);
            c.Ndcg[9].Should().BeApproximately(m.Evaluation.Metrics["NDCG@10"], 1e-12, m.Name);
            c.Recall.Should().BeInAscendingOrder();
        }
    }

    [Fact]
    public void Report_refuses_a_folder_that_is_not_a_results_folder_and_writes_nothing()
    {
        var notRun = Path.Combine(_dir, "notes");
        Directory.CreateDirectory(notRun);
        File.WriteAllText(Path.Combine(notRun, "results.json"), "{\"name\": \"x\"}");
        var act = () => new HtmlReport().Write(notRun);
        act.Should().Throw<InvalidDataException>().WithMessage("*not a results folder*run.json*");
        Directory.EnumerateFileSystemEntries(notRun).Should().ContainSingle();

        File.WriteAllText(Path.Combine(notRun, "run.json"), "{ broken");
        act.Should().Throw<InvalidDataException>().WithMessage($"*{Path.Combine(notRun, "run.json")}*not valid JSON*");
    }
}
