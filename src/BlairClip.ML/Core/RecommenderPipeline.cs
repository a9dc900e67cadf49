using Microsoft.ML;
using BlairClip.ML.DataViews;
using BlairClip.ML.Recommenders;

namespace BlairClip.ML.Core;

/// <summary>A recommender pipeline over the two tables of a <see cref="RecDataset"/>: item steps — any ML.NET
/// estimators over the item table (ours: TF-IDF, feature lookup, tower encoders; ML.NET's: FeaturizeText,
/// NormalizeLpNorm, Concatenate, ApplyOnnxModel, LoadImages, …) — then a recommender estimator on the key-typed
/// interactions, reading item features from the featurized item table. ML.NET's <c>EstimatorChain</c> carries one
/// table; this is the two-table form, and it checks the whole pipeline's schemas before fitting anything.</summary>
public sealed class RecommenderPipeline(IReadOnlyList<IEstimator<ITransformer>> itemSteps, IRecommenderEstimator recommender)
{
    public IReadOnlyList<IEstimator<ITransformer>> ItemSteps { get; } = itemSteps;
    public IRecommenderEstimator Recommender { get; } = recommender;

    /// <summary>Checks every step's input schema through the pipeline, reading no data.</summary>
    /// <exception cref="SchemaMismatchException">A step needs a column the table does not have (at that point); an
    /// ML.NET built-in's refusal is wrapped with the step's position and type.</exception>
    public void Check(RecDataset data)
    {
        var items = SchemaShapes.Of(data.ItemTable.Schema);
        for (int i = 0; i < ItemSteps.Count; i++)
        {
            try
            {
                items = ItemSteps[i].GetOutputSchema(items);
            }
            catch (ArgumentOutOfRangeException e)
            {
                // ML.NET's estimators report schema problems as ArgumentOutOfRangeException ("Could not find input column …").
                throw new SchemaMismatchException($"step {i} ({ItemSteps[i].GetType().Name}): {e.Message}");
            }
        }
        Recommender.CheckItems(items);
        Recommender.GetOutputSchema(SchemaShapes.Of(data.InteractionsView.Schema));
    }

    /// <summary>Fits the item steps in order on the item table, then the recommender on the interactions with the
    /// featurized item table. <see cref="Check"/> runs first.</summary>
    public RecommenderPipelineModel Fit(RecDataset data)
    {
        Check(data);
        IDataView items = data.ItemTable;
        var fitted = new List<FittedItemStep>();
        foreach (var step in ItemSteps)
        {
            var transformer = step.Fit(items);
            fitted.Add(new FittedItemStep(transformer, items.Schema));
            items = transformer.Transform(items);
        }
        var recommender = Recommender.ForData(items, data.Validation).Fit(data.InteractionsView);
        return new RecommenderPipelineModel(fitted, recommender);
    }
}

/// <summary>A fitted item step and the schema of the item table it was fitted on (null when loaded from one of our
/// own entries, which do not need it).</summary>
public sealed record FittedItemStep(ITransformer Transformer, DataViewSchema? InputSchema);

/// <summary>A fitted <see cref="RecommenderPipeline"/>: the item transformers and the recommender.</summary>
public sealed class RecommenderPipelineModel(IReadOnlyList<FittedItemStep> itemSteps, RecommenderTransformer recommender)
{
    public IReadOnlyList<FittedItemStep> ItemSteps { get; } = itemSteps;
    public RecommenderTransformer Recommender { get; } = recommender;

    /// <summary>The item transformers, in order.</summary>
    public IEnumerable<ITransformer> ItemTransformers => ItemSteps.Select(s => s.Transformer);

    /// <summary><paramref name="items"/> through every item step.</summary>
    public IDataView TransformItems(IDataView items)
    {
        foreach (var step in ItemSteps) items = step.Transformer.Transform(items);
        return items;
    }
}
