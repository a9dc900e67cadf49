using Microsoft.ML;
using BlairClip.ML.Core;
using BlairClip.ML.Experiments.MLNetSteps;

namespace BlairClip.MLNetSteps;

/// <summary>Options of <see cref="ApplyOnnxModelStep"/> (<c>mlContext.Transforms.ApplyOnnxModel</c>).</summary>
public sealed record ApplyOnnxModelStepOptions
{
    /// <summary>(string) The .onnx file, relative to the study's folder.</summary>
    public string ModelFile { get; init; } = "";
    /// <summary>(list of string) Columns fed to the model's inputs of the same names.</summary>
    public IReadOnlyList<string> InputColumns { get; init; } = [];
    /// <summary>(list of string) The model's outputs, written as columns of the same names.</summary>
    public IReadOnlyList<string> OutputColumns { get; init; } = [];
    /// <summary>(int?) CUDA device for ONNX Runtime; null: CPU.</summary>
    public int? GpuDeviceId { get; init; }
    /// <summary>(bool) With gpu_device_id, run on the CPU when the GPU cannot be used instead of failing.</summary>
    public bool FallbackToCpu { get; init; } = false;
}

/// <summary>ML.NET's <c>ApplyOnnxModel</c> as a pipeline step: runs an ONNX model over item columns (ONNX Runtime).</summary>
[PipelineStep("ApplyOnnxModel", typeof(ApplyOnnxModelStepOptions))]
public sealed class ApplyOnnxModelStep(BlairClipContext context, ApplyOnnxModelStepOptions options)
    : MLNetStep(context, ml => Create(context, ml, options))
{
    public ApplyOnnxModelStepOptions Options { get; } = options;

    private static IEstimator<ITransformer> Create(BlairClipContext context, MLContext ml, ApplyOnnxModelStepOptions o)
    {
        InvalidOptionException.Check(!string.IsNullOrWhiteSpace(o.ModelFile), "model_file", o.ModelFile, "must name an .onnx file");
        var file = context.ResolvePath(o.ModelFile);
        InvalidOptionException.Check(File.Exists(file), "model_file", o.ModelFile, $"must be an existing file (looked at {file})");
        return ml.Transforms.ApplyOnnxModel(Columns(o.OutputColumns, "output_columns"), Columns(o.InputColumns, "input_columns"), file,
            o.GpuDeviceId, o.FallbackToCpu);
    }
}
