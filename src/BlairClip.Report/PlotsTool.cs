using System.Diagnostics;

namespace BlairClip.Report;

/// <summary>Runs the plotting tool (src/BlairClip.Plots, built into <c>plots-tool/</c> beside the running program) in
/// its own process — ScottPlot's SkiaSharp 3 and ML.NET's SkiaSharp 2.88 cannot share one. Its figures land as files.</summary>
public static class PlotsTool
{
    /// <summary>The tool's folder beside the running program.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "plots-tool");

    /// <summary>Draws a results folder's figures into <c>RUN_DIR/plots/</c> (with figures.json).</summary>
    public static void DrawRun(string runFolder) => Run("run", runFolder);

    /// <summary>Draws the exploratory figures of a data profile (a <c>data_profile.json</c>) into <paramref name="folder"/>.</summary>
    public static void DrawData(string profileJson, string folder) => Run("data", profileJson, folder);

    private static void Run(params string[] args)
    {
        var dll = Path.Combine(Folder, "BlairClip.Plots.dll");
        if (!File.Exists(dll))
            throw new IOException($"The plotting tool is missing ({dll}); build the command line with ./blairclip (or dotnet build) so that plots-tool/ is next to it.");
        var psi = new ProcessStartInfo(DotnetHost()) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new IOException($"Could not start {psi.FileName} {dll}.");
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new IOException($"The plotting tool failed (exit {p.ExitCode}): {stderr.Result.Trim()}");
    }

    /// <summary>The dotnet host running this program (or, when run through an app host, the SDK's / the one on PATH).</summary>
    private static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }
}
