using System.Text.Json.Nodes;

namespace BlairClip.ML.Core;

/// <summary>A fitted model that was trained iteratively and can report how: its loss and validation curves, written
/// to run.json under the model (<c>models[].training</c>) for the reports to plot.</summary>
public interface IReportsTraining
{
    /// <summary>The training report (JSON: finite numbers only).</summary>
    JsonObject TrainingReport();
}
