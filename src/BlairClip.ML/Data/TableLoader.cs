using System.Globalization;
using BlairClip.ML.Core;
using BlairClip.ML.Data.Parsing;

namespace BlairClip.ML.Data;

/// <summary>The interaction file of a <c>format: table</c> data set and its column mapping.</summary>
public sealed record TableInteractionsOptions
{
    /// <summary>(path) A .csv, .tsv or .jsonl file, optionally .gz.</summary>
    public string Path { get; init; } = "";
    /// <summary>(column) The user id.</summary>
    public string User { get; init; } = "";
    /// <summary>(column) The item id (kept as text: "0108775015" keeps its leading zero).</summary>
    public string Item { get; init; } = "";
    /// <summary>(column) Integers in any unit, or ISO dates / date-times (see <see cref="TimestampParser"/>).</summary>
    public string Timestamp { get; init; } = "";
    /// <summary>(column, optional) A numeric rating; empty values read as no rating.</summary>
    public string? Rating { get; init; }
}

/// <summary>The item file of a <c>format: table</c> data set.</summary>
public sealed record TableItemsOptions
{
    /// <summary>(path) A .csv, .tsv or .jsonl file, optionally .gz.</summary>
    public string Path { get; init; } = "";
    /// <summary>(column) The item id, matched to the interactions' item column.</summary>
    public string Id { get; init; } = "";
    /// <summary>(column, optional) Shown as the item's title; empty when not set.</summary>
    public string? Title { get; init; }
}

/// <summary>Options of <see cref="TableLoader"/> (YAML <c>data: { format: table, … }</c>). Paths are relative to
/// the study spec's folder.</summary>
public sealed record TableOptions
{
    /// <summary>Interaction file and columns.</summary>
    public TableInteractionsOptions Interactions { get; init; } = new();
    /// <summary>(optional) Item file and columns; without it the catalog is the interacted items, with no text.</summary>
    public TableItemsOptions? Items { get; init; }
    /// <summary>(list of item columns) Joined, in order, with one space into the item text; empty values skipped.</summary>
    public IReadOnlyList<string> ItemText { get; init; } = [];
    /// <summary>(path template, optional) Local image per item, see <see cref="ImagePathTemplate"/>.</summary>
    public string? Images { get; init; }
    /// <summary>(error | skip) What a malformed record does.</summary>
    public BadLinePolicy OnBadLine { get; init; } = BadLinePolicy.Error;
    /// <summary>(interacted | all) Whether items without interactions are in the catalog.</summary>
    public CatalogScope Catalog { get; init; } = CatalogScope.Interacted;
}

/// <summary>Loads interactions (and optionally items) from CSV, TSV or JSON Lines files with a column mapping,
/// streaming record by record. Items keep item-file order, users the order of their first interaction.
/// <para>Report counts: <c>items_bad_lines_skipped</c>, <c>items_duplicate_ids_ignored</c> (first row wins),
/// <c>interactions_bad_lines_skipped</c>, <c>interactions_dropped_unknown_item</c> (with an item file),
/// <c>items_without_interactions</c>, <c>images_found</c>/<c>images_missing</c>, <c>users</c>, <c>items</c>,
/// <c>interactions</c>.</para></summary>
public static class TableLoader
{
    /// <summary>Loads the data set; the item table has columns ItemId, Title, Text and ImagePath.</summary>
    /// <exception cref="InvalidOptionException">A mapped column that is not in the file's header (the message lists
    /// the header), an unsupported extension, or <c>item_text</c> without <c>items</c>.</exception>
    /// <exception cref="FileNotFoundException">A file is missing (the message names the key).</exception>
    /// <exception cref="DataFormatException">A malformed record, an empty id, a bad timestamp or rating, with
    /// <c>on_bad_line: error</c>.</exception>
    public static LoadedData Load(TableOptions options, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var images = options.Images is null ? null : ImagePathTemplate.Parse(options.Images);
        InvalidOptionException.Check(options.Items is not null || options.ItemText.Count == 0, "item_text",
            string.Join(", ", options.ItemText), "needs an `items` file to read the columns from");
        var builder = new LoadedDataBuilder();
        builder.Report.Set("items_bad_lines_skipped", 0);
        builder.Report.Set("items_duplicate_ids_ignored", 0);
        builder.Report.Set("interactions_bad_lines_skipped", 0);
        if (options.Items is { } items)
        {
            builder.Report.Set("interactions_dropped_unknown_item", 0);
            ReadItems(options, items, baseDirectory, builder);
        }
        ReadInteractions(options, baseDirectory, builder);
        return builder.Build(options.Catalog, images, baseDirectory);
    }

    private static void ReadItems(TableOptions options, TableItemsOptions items, string baseDirectory, LoadedDataBuilder builder)
    {
        var full = DataFile.Resolve(baseDirectory, items.Path, "items.path");
        using var reader = TableRecordReader.Open(full, items.Path, "items.path");
        int id = reader.ColumnIndex(items.Id, "items.id");
        int title = items.Title is null ? -1 : reader.ColumnIndex(items.Title, "items.title");
        var text = options.ItemText.Select(c => reader.ColumnIndex(c, "item_text")).ToArray();
        var joiner = new TextJoiner();
        while (Next(reader, options.OnBadLine, builder.Report, "items_bad_lines_skipped"))
        {
            var idChars = reader.Get(id).Trim();
            if (idChars.IsEmpty)
            {
                if (Bad(reader, options.OnBadLine, builder.Report, "items_bad_lines_skipped", $"column '{items.Id}' (items.id) is empty")) continue;
            }
            joiner.Clear();
            foreach (int c in text) joiner.Append(reader.Get(c));
            string titleText = title < 0 ? "" : reader.Get(title).Trim().ToString();
            if (!builder.TryAddItem(idChars, titleText, joiner.ToString()))
                builder.Report.Add("items_duplicate_ids_ignored");
        }
    }

    private static void ReadInteractions(TableOptions options, string baseDirectory, LoadedDataBuilder builder)
    {
        var map = options.Interactions;
        var full = DataFile.Resolve(baseDirectory, map.Path, "interactions.path");
        using var reader = TableRecordReader.Open(full, map.Path, "interactions.path");
        int user = reader.ColumnIndex(map.User, "interactions.user");
        int item = reader.ColumnIndex(map.Item, "interactions.item");
        int time = reader.ColumnIndex(map.Timestamp, "interactions.timestamp");
        int rating = map.Rating is null ? -1 : reader.ColumnIndex(map.Rating, "interactions.rating");
        bool hasItemFile = options.Items is not null;
        TimestampKind? kind = null;
        const string skipped = "interactions_bad_lines_skipped";
        while (Next(reader, options.OnBadLine, builder.Report, skipped))
        {
            var timeText = reader.Get(time);
            if (!TimestampParser.TryParse(timeText, out long timestamp, out var k))
            {
                if (Bad(reader, options.OnBadLine, builder.Report, skipped,
                    $"column '{map.Timestamp}' must hold an integer or an ISO date (yyyy-MM-dd[THH:mm:ss[Z|±hh:mm]]), but was '{timeText}'")) continue;
            }
            if (kind is null) kind = k;
            else if (kind != k && Bad(reader, options.OnBadLine, builder.Report, skipped,
                $"column '{map.Timestamp}' must not mix integers and dates: '{timeText}' is {Describe(k)}, but earlier values are {Describe(kind.Value)}")) continue;

            float r = float.NaN;
            if (rating >= 0)
            {
                var ratingText = reader.Get(rating).Trim();
                if (!ratingText.IsEmpty && !float.TryParse(ratingText, NumberStyles.Float, CultureInfo.InvariantCulture, out r)
                    && Bad(reader, options.OnBadLine, builder.Report, skipped, $"column '{map.Rating}' must be a number, but was '{ratingText}'")) continue;
            }

            var itemId = reader.Get(item).Trim();
            if (itemId.IsEmpty && Bad(reader, options.OnBadLine, builder.Report, skipped, $"column '{map.Item}' (interactions.item) is empty")) continue;
            int itemIndex;
            if (!hasItemFile) itemIndex = builder.GetOrAddBareItem(itemId);
            else if (!builder.Items.TryGetIndex(itemId, out itemIndex))
            {
                builder.Report.Add("interactions_dropped_unknown_item");
                continue;
            }
            var userId = reader.Get(user).Trim();
            if (userId.IsEmpty && Bad(reader, options.OnBadLine, builder.Report, skipped, $"column '{map.User}' (interactions.user) is empty")) continue;
            builder.AddEvent(userId, itemIndex, timestamp, r);
        }
    }

    private static string Describe(TimestampKind k) => k == TimestampKind.Integer ? "an integer" : "an ISO date";

    /// <summary>Reads the next record, skipping (and counting) malformed ones under <see cref="BadLinePolicy.Skip"/>.</summary>
    private static bool Next(TableRecordReader reader, BadLinePolicy policy, DataReport report, string counter)
    {
        while (true)
        {
            try
            {
                return reader.Read();
            }
            catch (DataFormatException) when (policy == BadLinePolicy.Skip)
            {
                report.Add(counter);
            }
        }
    }

    /// <summary>A bad value in the current record: throws under <see cref="BadLinePolicy.Error"/>, else counts it
    /// and returns true (skip the record).</summary>
    private static bool Bad(TableRecordReader reader, BadLinePolicy policy, DataReport report, string counter, string problem)
    {
        if (policy == BadLinePolicy.Error) throw new DataFormatException(reader.File, reader.RecordLine, problem);
        report.Add(counter);
        return true;
    }
}

/// <summary>Catalog entry point for <see cref="TableLoader"/>.</summary>
public static class TableLoaderCatalog
{
    /// <summary>Loads CSV/TSV/JSONL interactions and items with a column mapping; see <see cref="TableLoader.Load"/>.</summary>
    public static LoadedData LoadTable(this DataCatalog catalog, TableOptions options, string baseDirectory) =>
        TableLoader.Load(options, baseDirectory);
}
