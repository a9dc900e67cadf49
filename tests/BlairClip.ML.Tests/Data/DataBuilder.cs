using BlairClip.ML.Core;
using BlairClip.ML.Data;
using BlairClip.ML.Split;

namespace BlairClip.ML.Tests.Data;

/// <summary>Builds a <see cref="LoadedData"/> from (user, item, timestamp, rating) rows in file order.</summary>
public static class DataBuilder
{
    public static LoadedData Events(params (string User, string Item, long Time, float Rating)[] rows) => Events(rows, []);

    public static LoadedData Events((string User, string Item, long Time, float Rating)[] rows, string[] extraItems)
    {
        var users = new IdMap(); var items = new IdMap();
        var u = rows.Select(r => users.GetOrAdd(r.User)).ToArray();
        var i = rows.Select(r => items.GetOrAdd(r.Item)).ToArray();
        foreach (var x in extraItems) items.GetOrAdd(x);
        var ids = items.Ids.ToArray();
        var table = BlairClip.ML.DataViews.ColumnarDataView.Create(ids.Length)
            .AddText(ItemColumns.ItemId, ids)
            .AddText(ItemColumns.Title, ids.Select(x => "title " + x).ToArray())
            .AddText(ItemColumns.Text, ids.Select(x => x == "b" ? "" : "text " + x).ToArray())
            .AddText(ItemColumns.ImagePath, ids.Select(x => x == "a" ? "/img/a.jpg" : "").ToArray());
        return new LoadedData(users, items, table,
            new Interactions(u, i, rows.Select(r => r.Time).ToArray(), rows.Select(r => r.Rating).ToArray()), new DataReport());
    }

    public static (string, string, long, float) E(string user, string item, long time, float rating = 5f) => (user, item, time, rating);

    /// <summary>The events as "user:item" strings with external ids, for whole-list assertions.</summary>
    public static string[] Pairs(LoadedData data, Interactions events) =>
        Enumerable.Range(0, events.Count).Select(k => $"{data.Users[events.User[k]]}:{data.Items[events.Item[k]]}").ToArray();

    /// <summary>u1: 4 events, u2: 2, u3: 1; items a: 3, b: 2, c: 2, z: 0 (catalog-only), split leave-one-out with validation.</summary>
    public static (LoadedData Data, BlairClip.ML.Split.DataSplit Split) HandCase()
    {
        var data = Events([E("u1", "a", 1), E("u1", "b", 2), E("u1", "c", 3), E("u1", "a", 4),
            E("u2", "a", 1), E("u2", "b", 2), E("u3", "c", 1)], ["z"]);
        return (data, new BlairClipContext().Data.LeaveOneOut(data, new BlairClip.ML.Split.LeaveOneOutOptions { Validation = true }));
    }
}
