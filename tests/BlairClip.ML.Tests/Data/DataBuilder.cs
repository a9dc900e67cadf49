using BlairClip.ML.Core;
using BlairClip.ML.Data;

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
}
