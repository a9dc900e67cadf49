using BlairClip.ML.Core;
using BlairClip.ML.DataViews;

namespace BlairClip.ML.Data;

/// <summary>Well-known item table column names produced by the loaders.</summary>
public static class ItemColumns
{
    /// <summary>Text: the external item id (same as <see cref="RecDataset.ItemIdColumn"/>).</summary>
    public const string ItemId = RecDataset.ItemIdColumn;
    /// <summary>Text: the study's <c>item_text</c> fields joined (lists with spaces, fields with one space).</summary>
    public const string Text = "Text";
    /// <summary>Text: the item title ("" when unknown).</summary>
    public const string Title = "Title";
    /// <summary>Text: resolved local image path ("" when none).</summary>
    public const string ImagePath = "ImagePath";
}

/// <summary>Counters a loader or filter reports (written to run.json): name → count, in insertion order.</summary>
public sealed class DataReport
{
    private readonly List<KeyValuePair<string, long>> _counts = new();
    public IReadOnlyList<KeyValuePair<string, long>> Counts => _counts;

    public void Set(string name, long value)
    {
        int i = _counts.FindIndex(p => p.Key == name);
        if (i >= 0) _counts[i] = new(name, value); else _counts.Add(new(name, value));
    }

    public void Add(string name, long delta = 1)
    {
        int i = _counts.FindIndex(p => p.Key == name);
        Set(name, (i >= 0 ? _counts[i].Value : 0) + delta);
    }

    public long Get(string name) => _counts.FirstOrDefault(p => p.Key == name).Value;

    /// <summary>True when <paramref name="name"/> has been set.</summary>
    public bool Contains(string name) => _counts.Exists(p => p.Key == name);

    /// <summary>An independent copy (a filter extends its input's report without changing it).</summary>
    public DataReport Clone()
    {
        var copy = new DataReport();
        copy._counts.AddRange(_counts);
        return copy;
    }
}

/// <summary>A loaded data set: user/item id maps, the item table (row = item index; columns <see cref="ItemColumns"/>)
/// and all interaction events in file order. Immutable.</summary>
public sealed class LoadedData(IdMap users, IdMap items, ColumnarDataView itemTable, Interactions events, DataReport report)
{
    public IdMap Users { get; } = users;
    public IdMap Items { get; } = items;
    public ColumnarDataView ItemTable { get; } = itemTable;
    public Interactions Events { get; } = events;
    public DataReport Report { get; } = report;
}
