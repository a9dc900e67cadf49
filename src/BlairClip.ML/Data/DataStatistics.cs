using System.Globalization;
using System.Text;
using BlairClip.ML.Core;
using BlairClip.ML.Split;

namespace BlairClip.ML.Data;

/// <summary>Quantiles of a count distribution; linear interpolation between order statistics (NumPy's default):
/// q(p) = a[⌊h⌋] + (h − ⌊h⌋)(a[⌊h⌋+1] − a[⌊h⌋]) with h = p·(n − 1) over the sorted values a.</summary>
public sealed record CountQuantiles(double Min, double P25, double P50, double P75, double P90, double Max)
{
    /// <summary>The quantiles of <paramref name="values"/> (all zero when empty).</summary>
    public static CountQuantiles Of(ReadOnlySpan<int> values)
    {
        if (values.IsEmpty) return new(0, 0, 0, 0, 0, 0);
        var a = values.ToArray();
        Array.Sort(a);
        return new(a[0], At(a, 0.25), At(a, 0.5), At(a, 0.75), At(a, 0.9), a[^1]);
    }

    private static double At(int[] a, double p)
    {
        double h = p * (a.Length - 1);
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, a.Length - 1);
        return a[lo] + (h - lo) * (a[hi] - a[lo]);
    }
}

/// <summary>What <c>./blairclip data stats</c> prints: sizes of the data set after filtering and of each part of the
/// split, text and image coverage, the interactions-per-user and per-item distributions, and density.</summary>
/// <param name="Users">Users with at least one event.</param>
/// <param name="Items">Catalog size (item table rows).</param>
/// <param name="Interactions">All events after filtering.</param>
/// <param name="TrainInteractions">Training events of the split.</param>
/// <param name="ValidationInteractions">Held-out validation items.</param>
/// <param name="TestInteractions">Held-out test items.</param>
/// <param name="ItemsWithText">Items whose Text is not empty (or whitespace).</param>
/// <param name="ItemsWithImage">Items with an ImagePath.</param>
/// <param name="PerUser">Events per user.</param>
/// <param name="PerItem">Events per catalog item (0 for items without events).</param>
/// <param name="Density">Interactions / (Users × Items).</param>
public sealed record DataStatistics(int Users, int Items, int Interactions, int TrainInteractions, int ValidationInteractions,
    int TestInteractions, int ItemsWithText, int ItemsWithImage, CountQuantiles PerUser, CountQuantiles PerItem, double Density)
{
    /// <summary>ItemsWithText / Items (0 for an empty catalog).</summary>
    public double TextCoverage => Items == 0 ? 0 : (double)ItemsWithText / Items;
    /// <summary>ItemsWithImage / Items (0 for an empty catalog).</summary>
    public double ImageCoverage => Items == 0 ? 0 : (double)ItemsWithImage / Items;

    /// <summary>Computes the statistics of <paramref name="data"/> and its <paramref name="split"/>.</summary>
    public static DataStatistics Compute(LoadedData data, DataSplit split)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(split);
        var (perUser, perItem) = EventCounts(data);
        var ev = data.Events;
        int users = perUser.Count(c => c > 0);
        int withText = CountNonEmpty(data.ItemTable, ItemColumns.Text);
        int withImage = CountNonEmpty(data.ItemTable, ItemColumns.ImagePath);
        double density = users == 0 || perItem.Length == 0 ? 0 : ev.Count / ((double)users * perItem.Length);
        return new DataStatistics(users, perItem.Length, ev.Count, split.Train.Count, split.Validation.Count, split.Test.Count,
            withText, withImage, CountQuantiles.Of(perUser.Where(c => c > 0).ToArray()), CountQuantiles.Of(perItem), density);
    }

    /// <summary>Events per user and per catalog item.</summary>
    internal static (int[] PerUser, int[] PerItem) EventCounts(LoadedData data)
    {
        var perUser = new int[data.Users.Count];
        var perItem = new int[data.Items.Count];
        var ev = data.Events;
        for (int k = 0; k < ev.Count; k++) { perUser[ev.User[k]]++; perItem[ev.Item[k]]++; }
        return (perUser, perItem);
    }

    private static int CountNonEmpty(Microsoft.ML.IDataView table, string column)
    {
        if (table.Schema.GetColumnOrNull(column) is null) return 0;
        int n = 0;
        foreach (var s in DataViews.DataViewColumns.Text(table, column, "statistics"))
            if (!string.IsNullOrWhiteSpace(s)) n++;
        return n;
    }

    /// <summary>A plain-text rendering: one aligned row per statistic, then the two quantile rows.</summary>
    public string ToTable()
    {
        var c = CultureInfo.InvariantCulture;
        var rows = new List<(string Name, string Value)>
        {
            ("users", Users.ToString("N0", c)),
            ("items", Items.ToString("N0", c)),
            ("interactions", Interactions.ToString("N0", c)),
            ("  train", TrainInteractions.ToString("N0", c)),
            ("  validation", ValidationInteractions.ToString("N0", c)),
            ("  test", TestInteractions.ToString("N0", c)),
            ("items with text", $"{ItemsWithText.ToString("N0", c)} ({Percent(TextCoverage)})"),
            ("items with image", $"{ItemsWithImage.ToString("N0", c)} ({Percent(ImageCoverage)})"),
            ("density", Density.ToString("0.######", c)),
        };
        string[] heads = ["min", "25%", "50%", "75%", "90%", "max"];
        string Q(double v) => v.ToString("0.##", c);
        string[][] quantiles =
        [
            ["interactions per user", .. Values(PerUser).Select(Q)],
            ["interactions per item", .. Values(PerItem).Select(Q)],
        ];
        int nameWidth = Math.Max(rows.Max(r => r.Name.Length), quantiles.Max(q => q[0].Length));
        int valueWidth = rows.Max(r => r.Value.Length);
        var sb = new StringBuilder();
        foreach (var (name, value) in rows) sb.Append(name.PadRight(nameWidth)).Append("  ").AppendLine(value.PadLeft(valueWidth));
        sb.AppendLine();
        int w = Math.Max(6, quantiles.SelectMany(q => q.Skip(1)).Max(s => s.Length));
        sb.Append(new string(' ', nameWidth));
        foreach (var h in heads) sb.Append("  ").Append(h.PadLeft(w));
        sb.AppendLine();
        foreach (var q in quantiles)
        {
            sb.Append(q[0].PadRight(nameWidth));
            foreach (var v in q.Skip(1)) sb.Append("  ").Append(v.PadLeft(w));
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string Percent(double fraction) => (100 * fraction).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static double[] Values(CountQuantiles q) => [q.Min, q.P25, q.P50, q.P75, q.P90, q.Max];
}

/// <summary>Catalog entry point for <see cref="DataStatistics"/>.</summary>
public static class DataStatisticsCatalog
{
    /// <summary>Statistics of a filtered data set and its split; see <see cref="DataStatistics.Compute"/>.</summary>
    public static DataStatistics Statistics(this DataCatalog catalog, LoadedData data, DataSplit split) =>
        DataStatistics.Compute(data, split);
}
