namespace BlairClip.Plots.Figures;

/// <summary>One drawn figure: a file stem (<c>plots/&lt;Name&gt;.svg</c> and <c>.png</c>), a title for the report, a
/// caption saying what is plotted, and the ScottPlot plot.</summary>
public sealed record Figure(string Name, string Title, string Caption, ScottPlot.Plot Plot)
{
    /// <summary>Width and height, in pixels, of every saved figure.</summary>
    public const int Width = 720, Height = 420;

    /// <summary>The figure as SVG markup.</summary>
    public string Svg() => Plot.GetSvgXml(Width, Height);

    /// <summary>Writes <c>&lt;Name&gt;.svg</c> and <c>&lt;Name&gt;.png</c> into <paramref name="folder"/> (created), each atomically.</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        ML.IO.AtomicFile.WriteAllText(Path.Combine(folder, Name + ".svg"), Svg());
        var png = Plot.GetImage(Width, Height).GetImageBytes(ScottPlot.ImageFormat.Png);
        ML.IO.AtomicFile.Write(Path.Combine(folder, Name + ".png"), s => s.Write(png));
    }
}
