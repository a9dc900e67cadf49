using FluentAssertions;

namespace BlairClip.ML.Tests.Experiments;

/// <summary>ML.NET 5.0.1's image transforms need SkiaSharp 2.88 (they call SKBitmap.GetPixelSpan(), which SkiaSharp 3 removed);
/// ScottPlot 5.1 needs SkiaSharp 3. The command line keeps ML.NET's, and the plots tool beside it has its own.</summary>
public class SkiaSharpSeparationTests
{
    [Fact]
    public void The_command_line_resolves_SkiaSharp_2_and_its_plots_tool_SkiaSharp_3()
    {
        typeof(SkiaSharp.SKBitmap).Assembly.GetName().Version!.Major.Should().Be(2, "ML.NET's image transforms run in this process");
        var tool = Path.Combine(AppContext.BaseDirectory, "plots-tool");
        File.Exists(Path.Combine(tool, "BlairClip.Plots.dll")).Should().BeTrue("the build bundles the plots tool (build/PlotsTool.targets)");
        var skia = System.Reflection.AssemblyName.GetAssemblyName(Path.Combine(tool, "SkiaSharp.dll"));
        skia.Version!.Major.Should().Be(3);
    }
}
