using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BlairClip.ML.Experiments;
using BlairClip.ML.Models;
using BlairClip.ML.Search;
using BlairClip.Serve;
using FluentAssertions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BlairClip.Report.Tests;

/// <summary>`serve` end to end: the page in headless chromium (type a query, upload a photo, move the slider, see the top
/// item `search` gives for the same inputs; a bad upload; the recommend tab), and a bounded load test over loopback.</summary>
public sealed class ServeInBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("blairclip-serve").FullName;
    private WebApplication? _app;
    private string _url = "";
    private string _clip = "", _tfidf = "";

    private static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures");
    private static string Photo(string name) => Path.Combine(Fixtures, "encoding", name + ".png");

    public async Task InitializeAsync()
    {
        var study = Path.Combine(Fixtures, "tiny-clip-study", "study.yaml");
        var run = StudyRunner.Run(study, new StudyRunOptions { OutputDirectory = Path.Combine(_dir, "run") });
        _clip = Path.Combine(run.OutputDirectory, "models", "CLIP.zip");
        _tfidf = Path.Combine(run.OutputDirectory, "models", "TF-IDF.zip");
        _app = SearchServer.Build(new ServeOptions { Models = [_clip, _tfidf], Port = 0, Images = "../encoding/{item}.png", ImageBase = Path.GetDirectoryName(study)! });
        await _app.StartAsync();
        _url = _app.Urls.Single();
        _url.Should().StartWith("http://127.0.0.1:", "the default binds the loopback only");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    [Fact]
    public async Task Query_upload_slider_and_recommend_give_what_the_library_gives()
    {
        var model = ModelArchive.Load(_clip);
        var search = ModelSearch.For(model);
        var expected = search.Search(new SearchQuery("banana shampoo", Photo("synthetic_portrait_downscale"), 0.2f), 3);

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var errors = new List<string>();
        var page = await chromium.PageAsync(errors, 1300, 900);
        await page.GotoAsync(_url);
        await page.Locator("#model option").First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        await page.SelectOptionAsync("#model", "CLIP");
        (await page.Locator("#model-info").InnerTextAsync()).Should().Contain("searches by text and image");
        await page.FillAsync("#text", "banana shampoo");
        await page.SetInputFilesAsync("#image", Photo("synthetic_portrait_downscale"));
        await page.FillAsync("#weight", "0.2"); // moves the slider (fires input)
        (await page.Locator("#weight-value").InnerTextAsync()).Should().Be("0.20");
        await page.FillAsync("#top", "3");
        await page.ClickAsync("#search-button");
        await page.Locator(".card").First.WaitForAsync();
        var items = await page.Locator(".card").EvaluateAllAsync<string[]>("cards => cards.map(c => c.dataset.item)");
        items.Should().Equal(expected.Select(h => h.ItemId));
        var images = await page.Locator(".card img").EvaluateAllAsync<int[]>("imgs => imgs.map(i => i.complete ? i.naturalWidth : -1)");
        images.Should().NotBeEmpty().And.OnlyContain(w => w > 0, "the items' photos come from the study's image template");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(TestRuns.Artifacts, "serve-search.png"), FullPage = true });

        // A bad upload: a clear message, and the server goes on answering.
        var notImage = Path.Combine(_dir, "notes.png");
        File.WriteAllText(notImage, "not an image");
        await page.SetInputFilesAsync("#image", notImage);
        await page.ClickAsync("#search-button");
        await page.Locator("#error").Filter(new LocatorFilterOptions { HasText = "not a JPEG, PNG or WebP image" }).WaitForAsync();
        await page.SetInputFilesAsync("#image", Array.Empty<string>());
        await page.ClickAsync("#search-button");
        await page.Locator(".card").First.WaitForAsync();
        (await page.Locator("#error").InnerTextAsync()).Should().BeEmpty();

        // The recommend tab ranks exactly as `recommend` does.
        await page.ClickAsync("#tab-recommend");
        await page.FillAsync("#user", "u1");
        await page.FillAsync("#rec-top", "2");
        await page.ClickAsync("#recommend-button");
        await page.Locator("#status").Filter(new LocatorFilterOptions { HasText = "2 results" }).WaitForAsync();
        var recs = await page.Locator(".card").EvaluateAllAsync<string[]>("cards => cards.map(c => c.dataset.item)");
        recs.Should().Equal(model.RecommendForUser("u1", 2).Select(r => r.ItemId));
        var shot = Path.Combine(TestRuns.Artifacts, "serve-recommend.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine($"screenshots: {TestRuns.Artifacts}/serve-*.png");
        errors.Where(e => !e.Contains("status of 400")).Should().BeEmpty("only the bad upload's 400 is expected");
    }

    [Fact]
    public async Task Api_refuses_bad_requests_clearly_and_never_serves_arbitrary_paths()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_url) };
        async Task<(int Status, string? Error)> Post(MultipartFormDataContent form)
        {
            var r = await http.PostAsync("/api/search", form);
            var body = await r.Content.ReadFromJsonAsync<JsonObject>();
            return ((int)r.StatusCode, body?["error"]?.GetValue<string>());
        }
        (await Post(new MultipartFormDataContent { { new StringContent("CLIP"), "model" } })).Should().Be((400, "`query` needs a text, an image or both, but was null"));
        (await Post(new MultipartFormDataContent { { new StringContent("nope"), "model" }, { new StringContent("x"), "text" } })).Error.Should().Contain("no model 'nope'");
        var big = new MultipartFormDataContent { { new StringContent("CLIP"), "model" }, { new ByteArrayContent(new byte[ServeOptions.DefaultMaxUploadBytes + 10_000]), "image", "big.png" } };
        (await Post(big)).Status.Should().Be(413);
        var image = new MultipartFormDataContent { { new StringContent("TF-IDF"), "model" }, { new ByteArrayContent(File.ReadAllBytes(Photo("synthetic_landscape_upscale"))), "image", "a.png" } };
        (await Post(image)).Error.Should().Contain("cannot embed an image query");

        (await http.GetAsync("/api/image/CLIP/p3")).StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound, "p3 has no photo");
        (await http.GetAsync("/api/image/CLIP/..%2F..%2Fstudy")).StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound, "only catalog item ids are looked up");
        (await http.GetAsync("/api/image/CLIP/synthetic_landscape_upscale")).Content.Headers.ContentType!.MediaType.Should().Be("image/png");
        (await http.GetAsync("/api/recommend?model=CLIP&user=nobody")).StatusCode.Should().Be(System.Net.HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Load_over_loopback_reports_requests_per_second_and_p99()
    {
        const int requests = 300, concurrency = 4;
        using var http = new HttpClient { BaseAddress = new Uri(_url), Timeout = TimeSpan.FromSeconds(30) };
        foreach (var name in new[] { "TF-IDF", "CLIP" }) // warm: the first CLIP query loads its text tower
            (await http.PostAsync("/api/search", new MultipartFormDataContent { { new StringContent(name), "model" }, { new StringContent("warm"), "text" } })).EnsureSuccessStatusCode();
        var latencies = new double[requests];
        int next = -1, failed = 0;
        var total = Stopwatch.StartNew();
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (int k; (k = Interlocked.Increment(ref next)) < requests && !budget.IsCancellationRequested;)
            {
                var watch = Stopwatch.StartNew();
                using var form = new MultipartFormDataContent { { new StringContent(k % 2 == 0 ? "TF-IDF" : "CLIP"), "model" }, { new StringContent($"red lipstick {k % 7}"), "text" } };
                var r = await http.PostAsync("/api/search", form, budget.Token);
                latencies[k] = watch.Elapsed.TotalMilliseconds;
                if (!r.IsSuccessStatusCode) Interlocked.Increment(ref failed);
            }
        }));
        total.Stop();
        failed.Should().Be(0);
        next.Should().BeGreaterThanOrEqualTo(requests, "all requests ran within the time bound");
        var sorted = latencies.Order().ToArray();
        output.WriteLine($"serve load: {requests} text searches (TF-IDF and CLIP alternating), {concurrency} concurrent, {requests / total.Elapsed.TotalSeconds:F0} requests/s, "
            + $"p50 {sorted[requests / 2]:F1} ms, p99 {sorted[(int)(requests * 0.99)]:F1} ms");
    }
}
