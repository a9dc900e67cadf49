using Microsoft.ML;
using Microsoft.ML.Transforms.Image;
using BlairClip.ML.Core;
using BlairClip.ML.Experiments.MLNetSteps;

namespace BlairClip.MLNetSteps;

/// <summary>Options of <see cref="ExtractPixelsStep"/> (<c>mlContext.Transforms.ExtractPixels</c>).</summary>
public sealed record ExtractPixelsStepOptions
{
    /// <summary>(string) Output vector column (Single).</summary>
    public string OutputColumn { get; init; } = "Pixels";
    /// <summary>(string) Input image column.</summary>
    public string InputColumn { get; init; } = "Image";
    /// <summary>(rgb | argb | alpha | red | green | blue …) Which channels.</summary>
    public ImagePixelExtractingEstimator.ColorBits ColorsToExtract { get; init; } = ImagePixelExtractingEstimator.ColorBits.Rgb;
    /// <summary>(argb | argb … ) Channel order.</summary>
    public ImagePixelExtractingEstimator.ColorsOrder OrderOfExtraction { get; init; } = ImagePixelExtractingEstimator.ColorsOrder.ARGB;
    /// <summary>(bool) Interleave channels per pixel (HWC) instead of planes (CHW).</summary>
    public bool InterleavePixelColors { get; init; } = false;
    /// <summary>(float) Pixel values are offset then multiplied by this.</summary>
    public float ScaleImage { get; init; } = 1f;
    /// <summary>(float) Added to pixel values before scaling.</summary>
    public float OffsetImage { get; init; } = 0f;
}

/// <summary>ML.NET's <c>ExtractPixels</c> as a pipeline step: an image's pixels as a Single vector.</summary>
[PipelineStep("ExtractPixels", typeof(ExtractPixelsStepOptions))]
public sealed class ExtractPixelsStep(BlairClipContext context, ExtractPixelsStepOptions options)
    : MLNetStep(context, ml => ml.Transforms.ExtractPixels(Column(options.OutputColumn, "output_column"), Column(options.InputColumn, "input_column"),
        options.ColorsToExtract, options.OrderOfExtraction, options.InterleavePixelColors, options.OffsetImage, options.ScaleImage, outputAsFloatArray: true))
{
    public ExtractPixelsStepOptions Options { get; } = options;
}
