using BlairClip.ML.Core;

namespace BlairClip.ML.Models;

/// <summary>Scores a study's catalog with a saved model whose id maps may differ: users and items are matched by id,
/// and catalog items the model does not know score −∞ (ranked last). Used by <c>evaluate --model</c>.</summary>
public sealed class CatalogAlignedRecommender : IRecommender
{
    private readonly RecommenderModel _model;
    private readonly int[] _itemToModel;   // study item index → model item index or −1
    private readonly int[] _userToModel;   // study user index → model user index or −1

    public CatalogAlignedRecommender(RecommenderModel model, IdMap users, IdMap items)
    {
        _model = model;
        _itemToModel = items.IndicesIn(model.Items);
        _userToModel = users.IndicesIn(model.Users);
        UnknownItems = _itemToModel.Count(i => i < 0);
        UnknownUsers = _userToModel.Count(u => u < 0);
    }

    /// <summary>Study items the model has no score for.</summary>
    public int UnknownItems { get; }
    /// <summary>Study users the model was not trained on (scored from their history if the model can).</summary>
    public int UnknownUsers { get; }
    public int ItemCount => _itemToModel.Length;

    /// <summary>True when study item <paramref name="item"/> is in the model's catalog.</summary>
    public bool KnowsItem(int item) => _itemToModel[item] >= 0;

    public void Score(ReadOnlySpan<UserQuery> queries, Span<float> scores)
    {
        int n = _model.Items.Count;
        var mapped = new UserQuery[queries.Length];
        for (int q = 0; q < queries.Length; q++)
        {
            var history = queries[q].History.Span;
            var h = new List<int>(history.Length);
            foreach (var i in history) if (_itemToModel[i] >= 0) h.Add(_itemToModel[i]);
            h.Sort();
            int u = (uint)queries[q].User < (uint)_userToModel.Length ? _userToModel[queries[q].User] : -1;
            mapped[q] = new UserQuery(u, h.ToArray());
        }
        var modelScores = new float[queries.Length * n];
        _model.Recommender.Score(mapped, modelScores);
        for (int q = 0; q < queries.Length; q++)
        {
            var src = modelScores.AsSpan(q * n, n);
            var dst = scores.Slice(q * ItemCount, ItemCount);
            for (int i = 0; i < dst.Length; i++) dst[i] = _itemToModel[i] >= 0 ? src[_itemToModel[i]] : float.NegativeInfinity;
        }
    }
}
