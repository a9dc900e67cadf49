using BlairClip.ML.Core;

namespace BlairClip.ML.Models;

/// <summary>One recommended item.</summary>
public sealed record Recommendation(string ItemId, float Score, string? Title);

/// <summary>A fitted recommender pipeline with what is needed to query it without the study's data: the user and
/// item id maps, item titles and the users' known histories (masked at query time and used as profiles).
/// This is what a model zip holds.</summary>
public sealed class RecommenderModel
{
    public RecommenderModel(string name, string pipeline, RecommenderPipelineModel fitted, IdMap users, IdMap items,
        IReadOnlyList<string?> titles, UserHistories histories)
    {
        if (fitted.Recommender.ItemCount != items.Count)
            throw new ArgumentException($"Recommender scores {fitted.Recommender.ItemCount} items, the catalog has {items.Count}.");
        if (histories.UserCount != users.Count)
            throw new ArgumentException($"{histories.UserCount} histories for {users.Count} users.");
        Name = name; Pipeline = pipeline; Fitted = fitted; Users = users; Items = items; Titles = titles;
        Histories = histories;
    }

    public string Name { get; }
    /// <summary>Pipeline name or file the model was built from.</summary>
    public string Pipeline { get; }
    /// <summary>The fitted pipeline: item transformers and the recommender.</summary>
    public RecommenderPipelineModel Fitted { get; }
    public Recommenders.RecommenderTransformer Recommender => Fitted.Recommender;
    public IdMap Users { get; }
    public IdMap Items { get; }
    public IReadOnlyList<string?> Titles { get; }
    /// <summary>Items each known user has interacted with (training, plus validation when the study had one).</summary>
    public UserHistories Histories { get; }

    /// <summary>Top <paramref name="top"/> items for a known user, excluding the user's history.</summary>
    /// <exception cref="KeyNotFoundException">Unknown user id.</exception>
    public IReadOnlyList<Recommendation> RecommendForUser(string userId, int top = 10)
    {
        int u = Users.IndexOf(userId, "user");
        return Recommend(new UserQuery(u, Histories.Memory(u)), top);
    }

    /// <summary>Top <paramref name="top"/> items for an ad-hoc history of item ids, excluding those items.</summary>
    /// <exception cref="KeyNotFoundException">An item id not in the catalog.</exception>
    public IReadOnlyList<Recommendation> RecommendForHistory(IEnumerable<string> itemIds, int top = 10)
    {
        var history = itemIds.Select(id => Items.IndexOf(id, "item")).Distinct().Order().ToArray();
        return Recommend(new UserQuery(-1, history), top);
    }

    private IReadOnlyList<Recommendation> Recommend(UserQuery query, int top)
    {
        var scores = new float[Items.Count];
        Recommender.Score([query], scores);
        var excluded = new HashSet<int>(query.History.ToArray());
        // Same order as the evaluator's rank: higher score first; ties broken by item index for a stable listing.
        return TopK.Select(scores, top, excluded)
            .Select(i => new Recommendation(Items[i], scores[i], Titles.Count > i ? Titles[i] : null))
            .ToList();
    }
}
