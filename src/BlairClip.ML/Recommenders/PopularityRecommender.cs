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
public sealed class PopularityRecommender(BlairClipContext context, PopularityOptions options) : IEstimator<PopularityModel>
{
    public PopularityOptions Options { get; } = options;

    public RecSchema GetOutputSchema(RecSchema input)
    {
        input.Items.Require(RecDataset.ItemIdColumn, nameof(PopularityRecommender), DataKind.Text);
        return input;
    }

    public PopularityModel Fit(RecDataset data)
    {
        GetOutputSchema(data.Schema);
        var counts = new float[data.Items.Count];
        if (Options.DistinctUsers)
        {
            var h = data.TrainHistories;
            foreach (var item in h.AllItems) counts[item]++;
        }
        else
        {
            foreach (var item in data.Train.Item) counts[item]++;
        }
        _ = context;
        return new PopularityModel(counts);
    }
}

/// <summary>Fitted <see cref="PopularityRecommender"/>: one count per item.
/// Entry layout v1: tensor <c>counts</c> F32 [items].</summary>
[ModelEntry("Popularity", 1)]
public sealed class PopularityModel : IRecommender, IFactoredRecommender
{
    private readonly float[] _counts;

    internal PopularityModel(float[] counts) => _counts = counts;

    public int ItemCount => _counts.Length;
    /// <summary>Training interaction count per item index.</summary>
    public ReadOnlySpan<float> Counts => _counts;

    public RecSchema GetOutputSchema(RecSchema input) => input;
    public RecDataset Transform(RecDataset data) => data;

    public void Score(ReadOnlySpan<UserQuery> queries, Span<float> scores)
    {
        for (int q = 0; q < queries.Length; q++)
            _counts.CopyTo(scores.Slice(q * _counts.Length, _counts.Length));
    }

    /// <summary>One dense part of dimension 1: every user [1], every item [count].</summary>
    FactoredScores IFactoredRecommender.Factor(UserHistories histories) => new(
        [new FactoredPart(ItemMatrix.FromDense(1, Enumerable.Repeat(1f, histories.UserCount).ToArray()), ItemMatrix.FromDense(1, _counts))], null);

    public void Save(ModelSaveContext context) => context.Tensors.Add<float>("counts", _counts, _counts.Length);

    public static PopularityModel Load(ModelLoadContext context) => new(context.Tensors.Get<float>("counts"));
}

/// <summary>Catalog entry points for <see cref="PopularityRecommender"/>.</summary>
public static class PopularityCatalog
{
    /// <summary>Popularity by training interaction count.</summary>
    public static PopularityRecommender Popularity(this RecommendersCatalog catalog, PopularityOptions? options = null) =>
        new(catalog.Context, options ?? new PopularityOptions());
}
