using BlairClip.Plots.Figures;
using BlairClip.Report;

namespace BlairClip.Plots;

/// <summary>The plotting tool: <c>run RUN_DIR</c> draws a results folder's figures into RUN_DIR/plots/;
/// <c>data PROFILE.json DIR</c> draws a data profile's exploratory figures into DIR. Each figure as SVG and PNG, and
/// figures.json listing them. Errors: one line on stderr, exit 2.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            switch (args)
            {
                case ["run", var dir]:
                    var run = RunFolder.Read(dir);
                    Save(RunFigures(run), Path.Combine(run.Path, "plots"));
                    return 0;
                case ["data", var profile, var folder]:
                    var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(profile)) ?? throw new InvalidDataException($"{profile}: empty.");
                    Save(DataFigures.Create(ML.Data.DataProfile.FromJson(node, profile)), folder);
                    return 0;
                default:
                    Console.Error.WriteLine("usage: BlairClip.Plots run RUN_DIR | data PROFILE.json DIR");
                    return 2;
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }

    /// <summary>Every figure of a run: the K curves, its training curves, then the data's.</summary>
    public static IEnumerable<Figure> RunFigures(RunFolder run)
    {
        if (run.Curves.Count > 0) foreach (var f in RankCurvePlot.Create(run)) yield return f;
        foreach (var f in TrainingCurvePlot.Create(run)) yield return f;
        if (run.Profile is { } p) foreach (var f in DataFigures.Create(p)) yield return f;
    }

    private static void Save(IEnumerable<Figure> figures, string folder)
    {
        var list = figures.ToList();
        foreach (var f in list) f.Save(folder);
        ML.IO.AtomicFile.WriteAllText(Path.Combine(folder, FigureIndex.FileName), FigureIndex.ToJson(list.Select(f => new FigureEntry(f.Name, f.Title, f.Caption))));
    }
}
