using Microsoft.ML;
using Microsoft.ML.Transforms;
using BlairClip.ML.Core;

namespace BlairClip.ML.Experiments.MLNetSteps;

/// <summary>Options of <see cref="NormalizeLpNormStep"/> (<c>mlContext.Transforms.NormalizeLpNorm</c>).</summary>
public sealed record NormalizeLpNormStepOptions
{
    /// <summary>(string) Output vector column.</summary>
    public string OutputColumn { get; init; } = "Features";
    /// <summary>(string?) Input vector column; null: the output column (replaced).</summary>
    public string? InputColumn { get; init; }
    /// <summary>(l1 | l2 | infinity | standard_deviation) The norm rows are divided by; null: ML.NET's (l2).</summary>
    public LpNormNormalizingEstimatorBase.NormFunction? Norm { get; init; }
    /// <summary>(bool) Subtract each row's mean first.</summary>
    public bool EnsureZeroMean { get; init; } = false;
}

/// <summary>ML.NET's <c>NormalizeLpNorm</c> as a pipeline step: every row divided by its norm.</summary>
[PipelineStep("NormalizeLpNorm", typeof(NormalizeLpNormStepOptions))]
public sealed class NormalizeLpNormStep(BlairClipContext context, NormalizeLpNormStepOptions options)
    : MLNetStep(context, ml => options.Norm is { } norm
        ? ml.Transforms.NormalizeLpNorm(Column(options.OutputColumn, "output_column"), options.InputColumn, norm, options.EnsureZeroMean)
        : ml.Transforms.NormalizeLpNorm(Column(options.OutputColumn, "output_column"), options.InputColumn, ensureZeroMean: options.EnsureZeroMean))
{
    public NormalizeLpNormStepOptions Options { get; } = options;
}
