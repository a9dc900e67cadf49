using Microsoft.ML;
using BlairClip.ML.Core;

namespace BlairClip.ML.Experiments.MLNetSteps;

/// <summary>Base of the pipeline steps that are ML.NET's own transforms, by their catalog names (FeaturizeText,
/// NormalizeText, NormalizeLpNorm, Concatenate, …): the step is the ML.NET estimator itself, created from the YAML
/// options when the pipeline is built (so ML.NET's own option checks run before any data is read); fitting returns
/// ML.NET's transformer, which model zips store as ML.NET writes it.</summary>
public abstract class MLNetStep : IEstimator<ITransformer>
{
    protected MLNetStep(BlairClipContext context, Func<MLContext, IEstimator<ITransformer>> create)
    {
        Context = context;
        Estimator = create(context.ML);
    }

    public BlairClipContext Context { get; }

    /// <summary>The ML.NET estimator this step is.</summary>
    public IEstimator<ITransformer> Estimator { get; }

    public ITransformer Fit(IDataView input) => Estimator.Fit(input);
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => Estimator.GetOutputSchema(inputSchema);

    /// <summary>Checks that a column list option is non-empty and names columns.</summary>
    protected static string[] Columns(IReadOnlyList<string> columns, string option)
    {
        InvalidOptionException.Check(columns.Count > 0 && columns.All(c => !string.IsNullOrWhiteSpace(c)), option, string.Join(", ", columns), "must list at least one column name");
        return [.. columns];
    }

    /// <summary>Checks that a column option names a column.</summary>
    protected static string Column(string column, string option)
    {
        InvalidOptionException.Check(!string.IsNullOrWhiteSpace(column), option, column, "must name a column");
        return column;
    }
}
