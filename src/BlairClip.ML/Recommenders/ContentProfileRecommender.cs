using System.Numerics.Tensors;
using Microsoft.ML;
using BlairClip.ML.Core;
using BlairClip.ML.DataViews;
using BlairClip.ML.Models;

namespace BlairClip.ML.Recommenders;

/// <summary>Options of <see cref="ContentProfileRecommender"/>.</summary>
public sealed record ContentProfileOptions
{
    /// <summary>(string) Item vector column (dense or sparse) to build profiles from.</summary>
    public string FeaturesColumn { get; init; } = "Features";
    /// <summary>(bool) L2-normalise each user profile. Does not change a user's ranking, only the score values.</summary>
    public bool NormalizeProfile { get; init; } = false;
    /// <summary>(bool) L2-normalise item rows before use (for embeddings that are not unit length).</summary>
    public bool NormalizeItems { get; init; } = false;
}

/// <summary>Content-based recommender: a user's profile is the mean of the item vectors in the user's history,
/// <c>p = (1/|H|) Σ_{i∈H} x_i</c>, and every item scores <c>s_j = p · x_j</c>. Nothing is learned from interactions;
/// fitting stores the item matrix. Works for TF-IDF (sparse) and for embedding (dense) columns.</summary>
[PipelineStep("ContentProfile", typeof(ContentProfileOptions))]
public sealed class ContentProfileRecommender : RecommenderEstimator<ContentProfileModel>
{
    /// <exception cref="InvalidOptionException"><c>features_column</c> is empty.</exception>
    public ContentProfileRecommender(BlairClipContext context, ContentProfileOptions options, IDataView? items = null) : base(context, items)
    {
        InvalidOptionException.Check(!string.IsNullOrWhiteSpace(options.FeaturesColumn), "features_column", options.FeaturesColumn, "must name a column");
        Options = options;
    }

    public ContentProfileOptions Options { get; }

    public override IRecommenderEstimator ForItems(IDataView items) => new ContentProfileRecommender(Context, Options, items);

    protected override IReadOnlyList<string> ItemColumnsRead => [Options.FeaturesColumn];

    protected override ContentProfileModel Fit(Interactions events, UserHistories histories, int items)
    {
        var matrix = DataViewColumns.Vectors(RequireItems(items), Options.FeaturesColumn, nameof(ContentProfileRecommender));
        if (Options.NormalizeItems) matrix.NormalizeRows();
        return new ContentProfileModel(Options, matrix);
    }
}

/// <summary>Fitted <see cref="ContentProfileRecommender"/>: the item matrix <c>[items, dim]</c>, dense or CSR.
/// <para>Entry layout v1: properties <c>features_column</c>, <c>normalize_profile</c>, <c>normalize_items</c>
/// (already applied to the stored rows), <c>layout</c> ("dense" | "sparse"), <c>dimension</c>, <c>items</c>;
/// tensors, dense: <c>items</c> F32 [items, dim]; sparse: <c>indptr</c> I32 [items + 1], <c>indices</c> I32 [nnz],
/// <c>values</c> F32 [nnz].</para></summary>
[ModelEntry("ContentProfile", 1)]
public sealed class ContentProfileModel : RecommenderTransformer
{
    private readonly ItemMatrix _items;

    internal ContentProfileModel(ContentProfileOptions options, ItemMatrix items)
    {
        Options = options;
        _items = items;
    }

    public ContentProfileOptions Options { get; }
    /// <summary>The item rows profiles are scored against.</summary>
    internal ItemMatrix Items => _items;
    public override int ItemCount => _items.Rows;
    /// <summary>Item vector dimension.</summary>
    public int Dimension => _items.Dimension;
    /// <summary>True when items are stored dense.</summary>
    public bool IsDense => _items.IsDense;

    /// <summary>Scores <c>[queries.Length, ItemCount]</c>: <c>s[q, j] = p_q · x_j</c> with <c>p_q</c> the mean of
    /// the rows of <c>queries[q].History</c> (L2-normalised with <c>normalize_profile</c>); an empty history scores
    /// all zeros. A user's scores do not depend on the other queries in the batch. Works for unknown users too
    /// (the profile only needs the history).</summary>
    /// <exception cref="ArgumentException"><paramref name="scores"/> has the wrong length, or a history item is
    /// not a catalog index.</exception>
    public override void Score(ReadOnlySpan<UserQuery> queries, Span<float> scores)
    {
        int n = _items.Rows;
        if (scores.Length != (long)queries.Length * n)
            throw new ArgumentException($"scores has {scores.Length} values, expected {queries.Length} queries × {n} items.", nameof(scores));
        _items.MultiplyRows(Profiles(queries), queries.Length, scores);
    }

    /// <summary>Counts in the item kernel (dense) or through the transposed matrix (TF-IDF): no score rows.</summary>
    public override bool TryCountRanks(ReadOnlySpan<UserQuery> queries, ReadOnlySpan<int> targets, Span<float> targetScores, Span<int> higher, Span<int> equal)
    {
        if (queries.IsEmpty) return true;
        _items.CountRanks(Profiles(queries), queries.Length, targets, null, targetScores, higher, equal);
        return true;
    }

    public override void ScoreItems(UserQuery query, ReadOnlySpan<int> items, Span<float> scores)
    {
        var profile = Profiles([query]);
        for (int k = 0; k < items.Length; k++) scores[k] = _items.Score(items[k], profile);
    }

    /// <summary>The profiles <see cref="Score"/> multiplies, <c>[queries.Length, Dimension]</c>.</summary>
    private float[] Profiles(ReadOnlySpan<UserQuery> queries)
    {
        int dim = _items.Dimension;
        var profiles = _items.MeanProfiles(queries);
        if (Options.NormalizeProfile)
            for (int q = 0; q < queries.Length; q++)
            {
                var profile = profiles.AsSpan(q * dim, dim);
                float norm = TensorPrimitives.Norm(profile);
                if (norm > 0) TensorPrimitives.Divide(profile, norm, profile);
            }
        return profiles;
    }

    /// <summary>One part: the users' profiles (sparse when the items are) and the item matrix. Sparse items without
    /// <c>normalize_profile</c> (TF-IDF) get their profiles computed sparsely, the same floats as <see cref="Profiles"/>.</summary>
    internal override FactoredScores Factor(UserHistories histories) => new(
        [new FactoredPart(!_items.IsDense && !Options.NormalizeProfile
            ? FactoredScores.SparseMeanProfiles(histories, _items)
            : FactoredScores.Profiles(histories, _items.Dimension, !_items.IsDense, q => Profiles(q)), _items)], null);

    public override void SaveEntry(EntryWriter context)
    {
        var p = context.Properties;
        p["features_column"] = Options.FeaturesColumn;
        p["normalize_profile"] = Options.NormalizeProfile;
        p["normalize_items"] = Options.NormalizeItems;
        _items.Save(context);
    }

    /// <exception cref="InvalidDataException">Unknown layout or tensors of the wrong size; names the entry.</exception>
    public static ContentProfileModel LoadEntry(EntryReader context)
    {
        var options = new ContentProfileOptions
        {
            FeaturesColumn = context.Get<string>("features_column"),
            NormalizeProfile = context.Get<bool>("normalize_profile"),
            NormalizeItems = context.Get<bool>("normalize_items"),
        };
        return new ContentProfileModel(options, ItemMatrix.Load(context));
    }
}

/// <summary>Catalog entry points for <see cref="ContentProfileRecommender"/>.</summary>
public static class ContentProfileCatalog
{
    /// <summary>Mean-of-history content profiles scored by dot product, item vectors read from <paramref name="items"/>
    /// (null: given by the pipeline it is the last step of).</summary>
    public static ContentProfileRecommender ContentProfile(this RecommendersCatalog catalog, ContentProfileOptions? options = null, IDataView? items = null) =>
        new(catalog.Context, options ?? new ContentProfileOptions(), items);
}
