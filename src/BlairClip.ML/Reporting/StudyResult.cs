using BlairClip.ML.Core;
using BlairClip.ML.Evaluation;

namespace BlairClip.ML.Reporting;

/// <summary>One model's outcome in a study: its evaluation on the test users and its stage times.</summary>
public sealed record ModelResult(string Name, string Pipeline, EvaluationResult Evaluation, double FitSeconds, double EvaluateSeconds)
{
    /// <summary>The model's file stem in <c>models/</c> and <c>per_user/</c>: the name with path-unsafe characters replaced.</summary>
    public string FileStem => FileStemOf(Name);

    public static string FileStemOf(string name) =>
        string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '+' ? c : '_'));
}

/// <summary>Everything a study run produced, in model order.</summary>
public sealed record StudyResult(string Name, IReadOnlyList<ModelResult> Models, IdMap Users, IdMap Items)
{
    /// <summary>Intervals and baseline comparisons, when computed (the study runner always does).</summary>
    public Significance? Significance { get; init; }
    /// <summary>Every test user's slice labels (with <c>evaluation.slices</c>).</summary>
    public SliceTable? Slices { get; init; }
    /// <summary>Recall@K / NDCG@K curves for K = 1 … 100 by model name (the study runner always computes them).</summary>
    public IReadOnlyDictionary<string, RankCurves>? Curves { get; init; }
    /// <summary>The data's distributions for the exploratory plots (the study runner always computes them).</summary>
    public Data.DataProfile? Profile { get; init; }
}
