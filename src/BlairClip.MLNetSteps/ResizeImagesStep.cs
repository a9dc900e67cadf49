using Microsoft.ML;
using Microsoft.ML.Transforms.Image;
using BlairClip.ML.Core;
using BlairClip.ML.Experiments.MLNetSteps;

namespace BlairClip.MLNetSteps;

/// <summary>Options of <see cref="ResizeImagesStep"/> (<c>mlContext.Transforms.ResizeImages</c>).</summary>
public sealed record ResizeImagesStepOptions
{
    /// <summary>(string) Output image column.</summary>
    public string OutputColumn { get; init; } = "Image";
    /// <summary>(string?) Input image column; null: the output column (replaced).</summary>
    public string? InputColumn { get; init; }
    /// <summary>(int) Width in pixels.</summary>
    public int ImageWidth { get; init; } = 224;
    /// <summary>(int) Height in pixels.</summary>
    public int ImageHeight { get; init; } = 224;
    /// <summary>(fill | iso_pad | iso_crop) How the aspect ratio is handled.</summary>
    public ImageResizingEstimator.ResizingKind Resizing { get; init; } = ImageResizingEstimator.ResizingKind.IsoCrop;
    /// <summary>(left | right | top | bottom | center) Where iso_crop keeps the image.</summary>
    public ImageResizingEstimator.Anchor CropAnchor { get; init; } = ImageResizingEstimator.Anchor.Center;
}

/// <summary>ML.NET's <c>ResizeImages</c> as a pipeline step.</summary>
[PipelineStep("ResizeImages", typeof(ResizeImagesStepOptions))]
public sealed class ResizeImagesStep(BlairClipContext context, ResizeImagesStepOptions options)
    : MLNetStep(context, ml => Create(ml, options))
{
    public ResizeImagesStepOptions Options { get; } = options;

    private static IEstimator<ITransformer> Create(MLContext ml, ResizeImagesStepOptions o)
    {
        InvalidOptionException.Check(o.ImageWidth > 0, "image_width", o.ImageWidth, "must be positive");
        InvalidOptionException.Check(o.ImageHeight > 0, "image_height", o.ImageHeight, "must be positive");
        return ml.Transforms.ResizeImages(Column(o.OutputColumn, "output_column"), o.ImageWidth, o.ImageHeight, o.InputColumn, o.Resizing, o.CropAnchor);
    }
}
