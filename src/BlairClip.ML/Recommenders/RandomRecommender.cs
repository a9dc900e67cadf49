using Microsoft.ML;
using BlairClip.ML.Core;

namespace BlairClip.ML.Recommenders;

/// <summary>Options of <see cref="RandomRecommender"/> (none).</summary>
public sealed record RandomOptions;

/// <summary>The chance-level sanity row: one constant score for every item, so every candidate ties with the held-out
/// item. With <c>ties: average</c> it reports exactly the expected metrics of a uniformly random ranking (AUC 0.5,
/// Recall@K = K / candidates); with <c>optimistic</c> ties every user's item ranks first, a reminder of what that rule
/// does. The fitted model is a <see cref="PopularityModel"/> whose counts are all zero (saved and served like one).</summary>
[PipelineStep("Random", typeof(RandomOptions))]
public sealed class RandomRecommender(BlairClipContext context, RandomOptions options, IDataView? items = null)
    : RecommenderEstimator<PopularityModel>(context, items)
{
    public RandomOptions Options { get; } = options;

    public override IRecommenderEstimator ForItems(IDataView items) => new RandomRecommender(Context, Options, items);

    protected override PopularityModel Fit(Interactions events, UserHistories histories, int items) => new(new float[items]);
}

/// <summary>Catalog entry point for <see cref="RandomRecommender"/>.</summary>
public static class RandomCatalog
{
    public static RandomRecommender Random(this RecommendersCatalog catalog) => new(catalog.Context, new RandomOptions());
}
