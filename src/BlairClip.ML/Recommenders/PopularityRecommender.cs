using Microsoft.ML;
using BlairClip.ML.Core;
using BlairClip.ML.Models;

namespace BlairClip.ML.Recommenders;

/// <summary>Options of <see cref="PopularityRecommender"/>.</summary>
public sealed record PopularityOptions
{
    /// <summary>(bool) Count each (user, item) pair once instead of every event.</summary>
    public bool DistinctUsers { get; init; } = false;
}

/// <summary>Scores every item by its number of training interactions, the same for every user.</summary>
[PipelineStep("Popularity", typeof(PopularityOptions))]
public sealed class PopularityRecommender(BlairClipContext context, PopularityOptions options, IDataView? items = null)
    : RecommenderEstimator<PopularityModel>(context, items)
{
    public PopularityOptions Options { get; } = options;

    public override IRecommenderEstimator ForItems(IDataView items) => new PopularityRecommender(Context, Options, items);

    protected override PopularityModel Fit(Interactions events, UserHistories histories, int items)
    {
        var counts = new float[items];
        if (Options.DistinctUsers)
            foreach (var item in histories.AllItems) counts[item]++;
        else
            foreach (var item in events.Item) counts[item]++;
        return new PopularityModel(counts);
    }
}

/// <summary>Fitted <see cref="PopularityRecommender"/>: one count per item.
/// Entry layout v1: tensor <c>counts</c> F32 [items].</summary>
[ModelEntry("Popularity", 1)]
public sealed class PopularityModel : RecommenderTransformer
{
    private readonly float[] _counts;

    internal PopularityModel(float[] counts) => _counts = counts;

    public override int ItemCount => _counts.Length;
    /// <summary>Training interaction count per item index.</summary>
    public ReadOnlySpan<float> Counts => _counts;

    public override void Score(ReadOnlySpan<UserQuery> queries, Span<float> scores)
    {
        for (int q = 0; q < queries.Length; q++)
            _counts.CopyTo(scores.Slice(q * _counts.Length, _counts.Length));
    }

    /// <summary>The counts: every user gets them.</summary>
    public override ReadOnlyMemory<float> UserIndependentScores => _counts;

    public override void ScoreItems(UserQuery query, ReadOnlySpan<int> items, Span<float> scores)
    {
        for (int k = 0; k < items.Length; k++) scores[k] = _counts[items[k]];
    }

    /// <summary>One dense part of dimension 1: every user [1], every item [count].</summary>
    internal override FactoredScores Factor(UserHistories histories) => new(
        [new FactoredPart(ItemMatrix.FromDense(1, Enumerable.Repeat(1f, histories.UserCount).ToArray()), ItemMatrix.FromDense(1, _counts))], null);

    public override void SaveEntry(EntryWriter context) => context.Tensors.Add<float>("counts", _counts, _counts.Length);

    public static PopularityModel LoadEntry(EntryReader context) => new(context.Tensors.Get<float>("counts"));
}

/// <summary>Catalog entry points for <see cref="PopularityRecommender"/>.</summary>
public static class PopularityCatalog
{
    /// <summary>Popularity by training interaction count.</summary>
    public static PopularityRecommender Popularity(this RecommendersCatalog catalog, PopularityOptions? options = null) =>
        new(catalog.Context, options ?? new PopularityOptions());
}
