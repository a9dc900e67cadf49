using Microsoft.ML;
using Microsoft.ML.Transforms.Text;
using BlairClip.ML.Core;

namespace BlairClip.ML.Experiments.MLNetSteps;

/// <summary>Options of <see cref="NormalizeTextStep"/> (<c>mlContext.Transforms.Text.NormalizeText</c>).</summary>
public sealed record NormalizeTextStepOptions
{
    /// <summary>(string) Output text column.</summary>
    public string OutputColumn { get; init; } = "Text";
    /// <summary>(string?) Input text column; null: the output column (replaced).</summary>
    public string? InputColumn { get; init; }
    /// <summary>(lower | upper | none) Case normalisation; null: ML.NET's (lower).</summary>
    public TextNormalizingEstimator.CaseMode? CaseMode { get; init; }
    /// <summary>(bool?) Keep diacritical marks; null: ML.NET's (false).</summary>
    public bool? KeepDiacritics { get; init; }
    /// <summary>(bool?) Keep punctuation; null: ML.NET's (true).</summary>
    public bool? KeepPunctuations { get; init; }
    /// <summary>(bool?) Keep numbers; null: ML.NET's (true).</summary>
    public bool? KeepNumbers { get; init; }
}

/// <summary>ML.NET's <c>NormalizeText</c> as a pipeline step (case, diacritics, punctuation, numbers).</summary>
[PipelineStep("NormalizeText", typeof(NormalizeTextStepOptions))]
public sealed class NormalizeTextStep(BlairClipContext context, NormalizeTextStepOptions options)
    : MLNetStep(context, ml => Create(ml, options))
{
    public NormalizeTextStepOptions Options { get; } = options;

    private static IEstimator<ITransformer> Create(MLContext ml, NormalizeTextStepOptions o)
    {
        // ML.NET's own defaults, spelled once here only because its catalog method takes them as arguments.
        var d = new TextFeaturizingEstimator.Options();
        return ml.Transforms.Text.NormalizeText(Column(o.OutputColumn, "output_column"), o.InputColumn is null ? null : Column(o.InputColumn, "input_column"),
            o.CaseMode ?? d.CaseMode, o.KeepDiacritics ?? d.KeepDiacritics, o.KeepPunctuations ?? d.KeepPunctuations, o.KeepNumbers ?? d.KeepNumbers);
    }
}
