using Microsoft.ML;
using BlairClip.ML.Core;

namespace BlairClip.ML.Experiments.MLNetSteps;

/// <summary>Options of <see cref="ConcatenateStep"/> (<c>mlContext.Transforms.Concatenate</c>).</summary>
public sealed record ConcatenateStepOptions
{
    /// <summary>(string) Output vector column.</summary>
    public string OutputColumn { get; init; } = "Features";
    /// <summary>(list of string) Columns joined, in order (vectors of one item type).</summary>
    public IReadOnlyList<string> InputColumns { get; init; } = [];
}

/// <summary>ML.NET's <c>Concatenate</c> as a pipeline step: input vectors joined end to end.</summary>
[PipelineStep("Concatenate", typeof(ConcatenateStepOptions))]
public sealed class ConcatenateStep(BlairClipContext context, ConcatenateStepOptions options)
    : MLNetStep(context, ml => ml.Transforms.Concatenate(Column(options.OutputColumn, "output_column"), Columns(options.InputColumns, "input_columns")))
{
    public ConcatenateStepOptions Options { get; } = options;
}
