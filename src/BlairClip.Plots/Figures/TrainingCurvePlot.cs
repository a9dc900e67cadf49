using System.Text.Json.Nodes;
using BlairClip.Report;
using ScottPlot;

namespace BlairClip.Plots.Figures;

/// <summary>A trained model's curves from <c>run.json</c> (<c>models[].training</c>): the mean training loss per epoch,
/// and, when the model validated while training, the validation loss and Recall@10 by update step.</summary>
public static class TrainingCurvePlot
{
    /// <summary>One or two figures per model that reported training (none for models that did not).</summary>
    public static IEnumerable<Figure> Create(RunFolder run)
    {
        foreach (var model in run.Manifest["models"] as JsonArray ?? [])
        {
            if (model?["training"] is not JsonObject training) continue;
            var name = model["name"]?.GetValue<string>() ?? "model";
            var stem = ML.Reporting.ModelResult.FileStemOf(name);
            var loss = Values(training["epoch_loss"]);
            if (loss.Length > 0)
            {
                var plot = FigureStyle.New($"{name}: training loss", "epoch", "mean loss");
                var line = plot.Add.Scatter(Enumerable.Range(1, loss.Length).Select(e => (double)e).ToArray(), loss, FigureStyle.Series(0));
                line.LineWidth = 2;
                line.LegendText = "training loss";
                yield return new Figure($"training_{stem}", $"{name}: training loss", $"Mean training loss of each of the {loss.Length} epochs.", plot);
            }
            var points = (training["validation"] as JsonArray ?? []).OfType<JsonObject>().ToArray();
            if (points.Length == 0) continue;
            var steps = points.Select(p => p["step"]?.GetValue<double>() ?? double.NaN).ToArray();
            var v = FigureStyle.New($"{name}: validation", "update step", "loss");
            var vloss = v.Add.Scatter(steps, points.Select(p => Number(p["loss"])).ToArray(), FigureStyle.Series(1));
            vloss.LegendText = "validation loss";
            var tloss = v.Add.Scatter(steps, points.Select(p => Number(p["train_loss"])).ToArray(), FigureStyle.Series(0));
            tloss.LegendText = "training loss (since last validation)";
            var recall = v.Add.Scatter(steps, points.Select(p => Number(p["recall_at_10"])).ToArray(), FigureStyle.Series(2));
            recall.LegendText = "validation Recall@10 (right axis)";
            recall.Axes.YAxis = v.Axes.Right;
            v.Axes.Right.Label.Text = "Recall@10";
            v.ShowLegend(Alignment.UpperRight);
            yield return new Figure($"validation_{stem}", $"{name}: validation while training",
                $"Validation loss and Recall@10 at each of the {points.Length} validations, with the training loss since the previous one.", v);
        }
    }

    private static double[] Values(JsonNode? node) => (node as JsonArray ?? []).Select(Number).ToArray();

    private static double Number(JsonNode? n) => n is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN;
}
