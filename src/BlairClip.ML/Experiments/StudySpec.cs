using BlairClip.ML.Data;
using BlairClip.ML.Evaluation;
using YamlDotNet.RepresentationModel;

namespace BlairClip.ML.Experiments;

/// <summary>One model of a study: a display name, a pipeline and parameter overrides.</summary>
public sealed record ModelSpec
{
    /// <summary>(string) Name in the results table and file names.</summary>
    public required string Name { get; init; }
    /// <summary>(string) A pipeline name under pipelines/, or a path to a pipeline .yaml relative to the study.</summary>
    public required string Pipeline { get; init; }
    /// <summary>(mapping) Parameter overrides: <c>key</c>, or <c>Step.key</c> when several steps have the key.</summary>
    public YamlMappingNode? Params { get; init; }
}

/// <summary>The <c>output:</c> section.</summary>
public sealed record OutputSpec
{
    /// <summary>(bool) Write models/&lt;model&gt;.zip for every model.</summary>
    public bool SaveModels { get; init; } = true;
    /// <summary>(bool) Write per_user/&lt;model&gt;.csv with every user's rank and metrics.</summary>
    public bool PerUser { get; init; } = true;
}

/// <summary>The <c>split:</c> section.</summary>
public sealed record SplitSpec
{
    /// <summary>(leave_one_out | official) Our leave-one-out by timestamp, or the data set's official split files.</summary>
    public SplitMethod Method { get; init; } = SplitMethod.LeaveOneOut;
    /// <summary>(bool) Hold out the second-to-last interaction as validation (leave_one_out).</summary>
    public bool Validation { get; init; } = false;
    /// <summary>(string) Official split: training CSV (user_id,parent_asin,rating,timestamp,history).</summary>
    public string? Train { get; init; }
    /// <summary>(string) Official split: validation CSV.</summary>
    public string? Valid { get; init; }
    /// <summary>(string) Official split: test CSV.</summary>
    public string? Test { get; init; }
}

public enum SplitMethod { LeaveOneOut, Official }

/// <summary>A study file (<c>experiments/*.yaml</c>). Every key has a one-line comment in the shipped examples.</summary>
public sealed record StudySpec
{
    /// <summary>(string) Study name; default output folder is results/&lt;name&gt;/&lt;timestamp&gt;/.</summary>
    public required string Name { get; init; }
    /// <summary>(int) Study-wide seed.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>(mapping) <c>format: amazon2023 | table</c> and that format's keys (see README), plus an optional
    /// <c>item_features</c> list of <see cref="Features.ItemFeatureSpec"/> (precomputed per-item vectors).</summary>
    public required YamlMappingNode Data { get; init; }
    /// <summary>(mapping) Interaction filters.</summary>
    public InteractionFilterOptions Filter { get; init; } = new();
    /// <summary>(mapping) How test (and validation) items are held out.</summary>
    public SplitSpec Split { get; init; } = new();
    /// <summary>(mapping) The shared ranking evaluator's settings.</summary>
    public RankingEvaluationOptions Evaluation { get; init; } = new();
    /// <summary>(list) The models to compare.</summary>
    public required IReadOnlyList<ModelSpec> Models { get; init; }
    /// <summary>(mapping) What to write besides the tables.</summary>
    public OutputSpec Output { get; init; } = new();
}
