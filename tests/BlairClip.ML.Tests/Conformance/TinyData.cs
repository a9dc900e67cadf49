using BlairClip.ML.Core;
using BlairClip.ML.Data;
using BlairClip.ML.DataViews;

namespace BlairClip.ML.Tests.Conformance;

/// <summary>Hand-sized data sets for component tests.</summary>
public static class TinyData
{
    /// <summary>Builds a dataset from (user, item) training pairs with timestamps in list order, and item texts.</summary>
    public static RecDataset Build(IReadOnlyList<(string User, string Item)> train, IReadOnlyDictionary<string, string>? texts = null)
    {
        var users = new IdMap();
        var items = new IdMap();
        if (texts is not null) foreach (var id in texts.Keys) items.GetOrAdd(id);
        var u = new int[train.Count]; var i = new int[train.Count]; var t = new long[train.Count]; var r = new float[train.Count];
        for (int k = 0; k < train.Count; k++)
        {
            u[k] = users.GetOrAdd(train[k].User); i[k] = items.GetOrAdd(train[k].Item); t[k] = k; r[k] = float.NaN;
        }
        var ids = items.Ids.ToArray();
        var table = ColumnarDataView.Create(ids.Length)
            .AddText(ItemColumns.ItemId, ids)
            .AddText(ItemColumns.Text, ids.Select(id => texts?.GetValueOrDefault(id) ?? "").ToArray())
            .AddText(ItemColumns.Title, ids.Select(id => "title of " + id).ToArray());
        return new RecDataset(users, items, table, new Interactions(u, i, t, r));
    }

    /// <summary>Three users, five items; u1 and u2 like a/b/c, u3 likes d/e.</summary>
    public static RecDataset Small() => Build([
        ("u1", "a"), ("u1", "b"), ("u1", "c"), ("u2", "a"), ("u2", "b"), ("u2", "c"), ("u2", "a"),
        ("u3", "d"), ("u3", "e")],
        new Dictionary<string, string> { ["a"] = "red lipstick matte", ["b"] = "lipstick gloss red", ["c"] = "matte red nail polish",
            ["d"] = "beard oil for men", ["e"] = "men beard trimmer" });
}
