using BlairClip.ML.Core;
using BlairClip.ML.Data;

namespace BlairClip.ML.Features;

/// <summary>Adds precomputed item features (<c>data.item_features</c>) to a loaded catalog: each entry becomes a
/// dense vector column named <see cref="ItemFeatureSpec.Name"/> plus an Int32 presence column
/// <see cref="PresenceColumn"/> (1 where the file has the item's row, 0 where the row was filled with zeros).
/// <para>Rows are matched by id: feature ids not in the catalog are ignored, catalog items without a row get zeros.
/// Both are counted in the data report (run.json <c>data</c>): <c>item_features.NAME.rows</c>,
/// <c>.dimension</c>, <c>.matched_items</c>, <c>.missing_items</c>, <c>.unknown_ids</c>.</para></summary>
public static class ItemFeatureLoader
{
    /// <summary>The presence-flag column of feature column <paramref name="column"/>: <c>COLUMN_present</c>.</summary>
    public static string PresenceColumn(string column) => column + "_present";

    /// <summary>The catalog of <paramref name="data"/> with every feature in <paramref name="features"/> attached.</summary>
    /// <exception cref="DataFormatException">A malformed feature or ids file, or an id twice in one file (named with
    /// its line).</exception>
    /// <exception cref="ArgumentException">Two entries with one name, a name that is already an item column, or a
    /// bad <c>tensor</c>/<c>ids</c> key (see <see cref="FeatureFileReader.Read"/>).</exception>
    public static LoadedData Attach(LoadedData data, IReadOnlyList<ItemFeatureSpec> features, string baseDirectory)
    {
        var table = data.ItemTable;
        var report = data.Report.Clone();
        foreach (var spec in features)
        {
            if (string.IsNullOrWhiteSpace(spec.Name))
                throw new ArgumentException($"item_features: 'name' must name a column, but was '{spec.Name}' ({spec.Path}).");
            if (table.Schema.GetColumnOrNull(spec.Name) is not null || table.Schema.GetColumnOrNull(PresenceColumn(spec.Name)) is not null)
                throw new ArgumentException($"item_features: 'name' is '{spec.Name}', but the item table already has that column (columns: {string.Join(", ", table.Schema.Select(c => c.Name))}).");
            var file = FeatureFileReader.Read(spec, baseDirectory);
            var (values, presence, counts) = Align(file, data.Items);
            table = table.AddDense(spec.Name, file.Dimension, values).AddInt32(PresenceColumn(spec.Name), presence);
            var prefix = $"item_features.{spec.Name}.";
            report.Set(prefix + "rows", file.Ids.Count);
            report.Set(prefix + "dimension", file.Dimension);
            report.Set(prefix + "matched_items", counts.Matched);
            report.Set(prefix + "missing_items", data.Items.Count - counts.Matched);
            report.Set(prefix + "unknown_ids", counts.Unknown);
        }
        return new LoadedData(data.Users, data.Items, table, data.Events, report);
    }

    private static (float[] Values, int[] Present, (int Matched, int Unknown)) Align(FeatureFile file, IdMap items)
    {
        int dim = file.Dimension;
        var values = new float[(long)items.Count * dim];
        var present = new int[items.Count];
        var lineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        int matched = 0, unknown = 0;
        for (int r = 0; r < file.Ids.Count; r++)
        {
            var id = file.Ids[r];
            if (!lineOf.TryAdd(id, file.LineOf(r)))
                throw new DataFormatException(file.IdFile, file.LineOf(r), $"item id '{id}' appears twice (first on line {lineOf[id]})");
            if (!items.TryGetIndex(id, out int item)) { unknown++; continue; }
            file.Values.AsSpan(r * dim, dim).CopyTo(values.AsSpan(item * dim, dim));
            present[item] = 1;
            matched++;
        }
        return (values, present, (matched, unknown));
    }
}

/// <summary>Catalog entry point for <see cref="ItemFeatureLoader"/>.</summary>
public static class ItemFeatureCatalog
{
    /// <summary>Attaches precomputed item features to <paramref name="data"/>'s item table (see <see cref="ItemFeatureLoader"/>).</summary>
    public static LoadedData AttachItemFeatures(this DataCatalog catalog, LoadedData data, IReadOnlyList<ItemFeatureSpec> features, string baseDirectory) =>
        ItemFeatureLoader.Attach(data, features, baseDirectory);
}
