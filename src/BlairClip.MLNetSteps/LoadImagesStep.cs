using Microsoft.ML;
using BlairClip.ML.Core;
using BlairClip.ML.Experiments.MLNetSteps;

namespace BlairClip.MLNetSteps;

/// <summary>Options of <see cref="LoadImagesStep"/> (<c>mlContext.Transforms.LoadImages</c>).</summary>
public sealed record LoadImagesStepOptions
{
    /// <summary>(string) Output image column.</summary>
    public string OutputColumn { get; init; } = "Image";
    /// <summary>(string) Image path column (the loaders' <c>ImagePath</c>: absolute, or "" when the item has none).</summary>
    public string InputColumn { get; init; } = "ImagePath";
    /// <summary>(string) Folder relative paths are read from, relative to the study's folder; "" = the study's folder.</summary>
    public string ImageFolder { get; init; } = "";
}

/// <summary>ML.NET's <c>LoadImages</c> as a pipeline step: decodes each item's image file.</summary>
[PipelineStep("LoadImages", typeof(LoadImagesStepOptions))]
public sealed class LoadImagesStep(BlairClipContext context, LoadImagesStepOptions options)
    : MLNetStep(context, ml => ml.Transforms.LoadImages(Column(options.OutputColumn, "output_column"),
        context.ResolvePath(options.ImageFolder), Column(options.InputColumn, "input_column")))
{
    public LoadImagesStepOptions Options { get; } = options;
}
