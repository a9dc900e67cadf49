using System.Globalization;
using BlairClip.ML.Core;
using BlairClip.ML.Data;
using BlairClip.ML.Data.Parsing;

namespace BlairClip.ML.Split;

/// <summary>Options of <see cref="OfficialSplitLoader"/> (YAML <c>split: { method: official, … }</c>): the
/// Amazon Reviews 2023 leave-last-out split files. Paths are relative to the study spec's folder.</summary>
public sealed record OfficialSplitOptions
{
    /// <summary>(path) Training rows: <c>user_id,parent_asin,rating,timestamp,history</c> (CSV, optionally .gz).</summary>
    public string Train { get; init; } = "";
    /// <summary>(path) Validation rows, at most one per user.</summary>
    public string Valid { get; init; } = "";
    /// <summary>(path) Test rows, at most one per user.</summary>
    public string Test { get; init; } = "";
}

/// <summary>The events of an official split and the split itself, over the same ids.</summary>
public sealed record OfficialSplitData(LoadedData Data, DataSplit Split);

/// <summary>Reads the official Amazon Reviews 2023 split CSVs (<c>user_id,parent_asin,rating,timestamp,history</c>)
/// against a given item catalog. The events are the train rows, then the valid rows, then the test rows; the split
/// has train = train rows, validation = valid rows and test = test rows. The <c>history</c> column (the user's
/// earlier items, space-separated) is not used: it is implied by the train rows.
/// <para>Rows on items missing from the catalog are dropped and counted (<c>interactions_dropped_unknown_item</c>);
/// users are numbered in order of first appearance (train, valid, test). Report counts:
/// <c>official_train_rows</c>, <c>official_valid_rows</c>, <c>official_test_rows</c>; split report as in
/// <see cref="LeaveOneOutSplit"/> (<c>split_train_only_users</c> = users without a test row).</para></summary>
public static class OfficialSplitLoader
{
    private static readonly string[] Columns = ["user_id", "parent_asin", "rating", "timestamp"];

    /// <summary>Reads the three files.</summary>
    /// <param name="options">The files.</param>
    /// <param name="baseDirectory">Folder that relative paths start from (the study spec's folder).</param>
    /// <param name="catalog">Supplies the items (ids, item table); its events are not used.</param>
    /// <exception cref="FileNotFoundException">A file is missing (the message names the key).</exception>
    /// <exception cref="DataFormatException">A malformed row, a missing column, or a second valid/test row for a user.</exception>
    public static OfficialSplitData Load(OfficialSplitOptions options, string baseDirectory, LoadedData catalog)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(catalog);
        var items = catalog.Items;
        var users = new IdMap();
        var rows = new Rows();
        var report = catalog.Report.Clone();
        report.Set("interactions_dropped_unknown_item", 0);

        int train = Read(options.Train, "train", baseDirectory, items, users, rows, report, heldOut: null);
        var validation = new List<HeldOutItem>();
        Read(options.Valid, "valid", baseDirectory, items, users, rows, report, validation);
        var test = new List<HeldOutItem>();
        Read(options.Test, "test", baseDirectory, items, users, rows, report, test);

        var events = new Interactions(rows.User.ToArray(), rows.Item.ToArray(), rows.Time.ToArray(), rows.Rating.ToArray());
        var trainRows = Enumerable.Range(0, train).ToArray();
        report.Set("users", users.Count);
        report.Set("items", catalog.Items.Count);
        report.Set("interactions", events.Count);
        var data = new LoadedData(users, catalog.Items, catalog.ItemTable, events, report);

        var splitReport = new DataReport();
        var tested = new HashSet<int>(test.Select(h => h.User));
        splitReport.Set("split_train_only_users", users.Count - tested.Count);
        splitReport.Set("split_train_interactions", train);
        splitReport.Set("split_validation_interactions", validation.Count);
        splitReport.Set("split_test_interactions", test.Count);
        var split = new DataSplit(events.Select(trainRows), validation, test) { Report = splitReport };
        return new OfficialSplitData(data, split);
    }

    private sealed class Rows
    {
        public readonly List<int> User = new(), Item = new();
        public readonly List<long> Time = new();
        public readonly List<float> Rating = new();
    }

    private static int Read(string path, string key, string baseDirectory, IdMap items, IdMap users, Rows rows,
        DataReport report, List<HeldOutItem>? heldOut)
    {
        var full = DataFile.Resolve(baseDirectory, path, key);
        using var reader = TableRecordReader.Open(full, path, key);
        var header = reader.Header;
        var col = new int[Columns.Length];
        for (int c = 0; c < Columns.Length; c++)
        {
            col[c] = IndexOf(header, Columns[c]);
            if (col[c] < 0)
                throw new DataFormatException(path, 1,
                    $"missing column '{Columns[c]}': expected user_id,parent_asin,rating,timestamp,history, but the header is [{string.Join(", ", header)}]");
        }
        var firstLine = new Dictionary<int, long>();
        int count = 0;
        while (reader.Read())
        {
            var itemId = reader.Get(col[1]).Trim();
            if (!items.TryGetIndex(itemId, out int item))
            {
                report.Add("interactions_dropped_unknown_item");
                continue;
            }
            var userId = reader.Get(col[0]).Trim();
            if (userId.IsEmpty) throw new DataFormatException(path, reader.RecordLine, "column 'user_id' is empty");
            var timeText = reader.Get(col[3]);
            if (!TimestampParser.TryParse(timeText, out long time, out _))
                throw new DataFormatException(path, reader.RecordLine, $"column 'timestamp' must be an integer, but was '{timeText}'");
            var ratingText = reader.Get(col[2]).Trim();
            float rating = float.NaN;
            if (!ratingText.IsEmpty && !float.TryParse(ratingText, NumberStyles.Float, CultureInfo.InvariantCulture, out rating))
                throw new DataFormatException(path, reader.RecordLine, $"column 'rating' must be a number, but was '{ratingText}'");

            int user = users.GetOrAdd(userId);
            if (heldOut is not null)
            {
                if (!firstLine.TryAdd(user, reader.RecordLine))
                    throw new DataFormatException(path, reader.RecordLine,
                        $"user '{users[user]}' already has a row at line {firstLine[user]}; the official split holds out one item per user");
                heldOut.Add(new HeldOutItem(user, item, time));
            }
            rows.User.Add(user); rows.Item.Add(item); rows.Time.Add(time); rows.Rating.Add(rating);
            count++;
        }
        report.Set($"official_{key}_rows", count);
        return count;
    }

    private static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (int i = 0; i < header.Count; i++) if (header[i] == name) return i;
        return -1;
    }
}

/// <summary>Catalog entry point for <see cref="OfficialSplitLoader"/>.</summary>
public static class OfficialSplitCatalog
{
    /// <summary>Reads the official split CSVs against <paramref name="catalog"/>'s items; see <see cref="OfficialSplitLoader"/>.</summary>
    public static OfficialSplitData LoadOfficialSplit(this DataCatalog dataCatalog, OfficialSplitOptions options, string baseDirectory, LoadedData catalog) =>
        OfficialSplitLoader.Load(options, baseDirectory, catalog);
}
