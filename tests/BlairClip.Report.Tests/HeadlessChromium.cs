using Microsoft.Playwright;

namespace BlairClip.Report.Tests;

/// <summary>Debian's chromium driven by Playwright (<c>ExecutablePath</c>; Playwright's own browser download is never
/// used), with the flags a closed network needs. ./test.sh installs chromium (tools/install-deps.sh --test); without it
/// these tests fail, saying so, rather than pass unseen.</summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>$BLAIRCLIP_CHROMIUM, else /usr/bin/chromium.</summary>
    public static string Executable => Environment.GetEnvironmentVariable("BLAIRCLIP_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    public IBrowser Browser { get; }

    private HeadlessChromium(IPlaywright playwright, IBrowser browser) { _playwright = playwright; Browser = browser; }

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"No chromium at {Executable}: run ./test.sh (it installs Debian's chromium) or set BLAIRCLIP_CHROMIUM.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return new HeadlessChromium(playwright, browser);
    }

    /// <summary>A new page whose console errors and uncaught exceptions are collected in <paramref name="errors"/>.</summary>
    public async Task<IPage> PageAsync(List<string> errors, int width = 1500, int height = 1000)
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        page.Console += (_, m) => { if (m.Type == "error") lock (errors) errors.Add($"console: {m.Text}"); };
        page.PageError += (_, e) => { lock (errors) errors.Add($"page error: {e}"); };
        page.RequestFailed += (_, r) => { lock (errors) errors.Add($"request failed: {r.Url} {r.Failure}"); };
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
