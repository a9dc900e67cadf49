using FluentAssertions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BlairClip.Report.Tests;

/// <summary>report.html opened offline in headless chromium: it renders, every image loads, the console stays clean;
/// the screenshot is kept in TestResults/artifacts/.</summary>
public sealed class ReportInBrowserTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("blairclip-browser").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task The_quickstart_report_renders_with_every_image_loaded_and_no_console_errors()
    {
        var outcome = TestRuns.RunQuickstart(Path.Combine(_dir, "run"));
        var report = Path.Combine(outcome.OutputDirectory, HtmlReport.FileName);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var errors = new List<string>();
        var page = await chromium.PageAsync(errors);
        await page.GotoAsync(new Uri(report).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });

        (await page.TitleAsync()).Should().Be($"{outcome.Result.Name} — BlairClip.ML report");
        var images = await page.EvaluateAsync<int[]>("() => [...document.images].map(i => i.complete ? i.naturalWidth : -1)");
        images.Should().HaveCount(8).And.OnlyContain(w => w > 0, "every figure decodes");
        var rendered = await page.EvaluateAsync<double[]>("() => [...document.images].map(i => i.getBoundingClientRect().height)");
        rendered.Should().OnlyContain(h => h > 100, "every figure takes space on the page");
        (await page.Locator("table.results tbody tr").CountAsync()).Should().Be(outcome.Result.Models.Count);
        (await page.Locator("table.results tbody tr").First.InnerTextAsync()).Should().Contain("Popularity");

        var shot = Path.Combine(TestRuns.Artifacts, "report-quickstart.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine($"screenshot: {shot}");
        new FileInfo(shot).Length.Should().BeGreaterThan(20_000);
        errors.Should().BeEmpty();
    }
}
