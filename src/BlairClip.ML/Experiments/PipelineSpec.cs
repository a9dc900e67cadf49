using YamlDotNet.RepresentationModel;

namespace BlairClip.ML.Experiments;

/// <summary>A pipeline file under <c>pipelines/</c>: an ordered list of estimator steps with default parameters.</summary>
public sealed record PipelineSpec
{
    /// <summary>(string) One line on what the pipeline does.</summary>
    public string Description { get; init; } = "";
    /// <summary>(list) The estimators, in order; the last one must produce a recommender.</summary>
    public required IReadOnlyList<PipelineStepSpec> Steps { get; init; }
}

/// <summary>One step: a registered estimator name and its parameters (keys of its options record).</summary>
public sealed record PipelineStepSpec
{
    /// <summary>(string) Estimator name as registered with [PipelineStep], e.g. TfIdfFeaturizer.</summary>
    public required string Step { get; init; }
    /// <summary>(mapping) Parameter defaults for this pipeline; a study's <c>params</c> override them.</summary>
    public YamlMappingNode? Params { get; init; }
}
