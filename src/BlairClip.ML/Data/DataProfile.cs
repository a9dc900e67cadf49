using System.Text.Json.Nodes;
using BlairClip.ML.Split;

namespace BlairClip.ML.Data;

/// <summary>The distributions behind a study's exploratory plots (written as <c>data_profile.json</c> in every run and
/// drawn by <c>data stats --plots</c> and the run report): interactions per user and per item as
/// frequency-of-frequency tables (the long tail on log-log axes), the test users' training-history lengths, words per
/// item text, text and image coverage, and the split's counts. Each table maps a value to how many users or items
/// have it, in increasing value order.</summary>
public sealed record DataProfile(
    IReadOnlyList<(int Value, int Count)> InteractionsPerUser,
    IReadOnlyList<(int Value, int Count)> InteractionsPerItem,
    IReadOnlyList<(int Value, int Count)> TestHistoryLengths,
    IReadOnlyList<(int Value, int Count)> TextWords,
    int Items, int ItemsWithText, int ItemsWithImage,
    int Users, int TrainInteractions, int ValidationUsers, int TestUsers, int TrainOnlyUsers)
{
    /// <summary>The profile of <paramref name="data"/> and its <paramref name="split"/>.</summary>
    public static DataProfile Compute(LoadedData data, DataSplit split)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(split);
        var (perUser, perItem) = DataStatistics.EventCounts(data);
        var trainPerUser = new int[data.Users.Count];
        foreach (int u in split.Train.User) trainPerUser[u]++;
        var testUsers = new bool[data.Users.Count];
        foreach (var c in split.Test) testUsers[c.User] = true;
        foreach (var c in split.Validation) testUsers[c.User] = true;

        var text = data.ItemTable.Schema.GetColumnOrNull(ItemColumns.Text) is null ? [] : DataViews.DataViewColumns.Text(data.ItemTable, ItemColumns.Text, "data profile");
        var image = data.ItemTable.Schema.GetColumnOrNull(ItemColumns.ImagePath) is null ? [] : DataViews.DataViewColumns.Text(data.ItemTable, ItemColumns.ImagePath, "data profile");
        var words = text.Select(WordCount).ToArray();
        return new DataProfile(
            Frequencies(perUser.Where(c => c > 0)),
            Frequencies(perItem),
            Frequencies(split.Test.Select(c => trainPerUser[c.User])),
            Frequencies(words),
            data.Items.Count, words.Count(w => w > 0), image.Count(p => !string.IsNullOrWhiteSpace(p)),
            perUser.Count(c => c > 0), split.Train.Count, split.Validation.Count, split.Test.Count,
            Enumerable.Range(0, perUser.Length).Count(u => perUser[u] > 0 && !testUsers[u]));
    }

    private static int WordCount(string s)
    {
        int n = 0;
        bool inWord = false;
        foreach (char c in s)
        {
            bool space = char.IsWhiteSpace(c);
            if (!space && !inWord) n++;
            inWord = !space;
        }
        return n;
    }

    /// <summary>(value, how many) pairs in increasing value order.</summary>
    public static IReadOnlyList<(int Value, int Count)> Frequencies(IEnumerable<int> values) =>
        values.GroupBy(v => v).Select(g => (g.Key, g.Count())).OrderBy(p => p.Key).ToList();

    /// <summary>The JSON form (<c>data_profile.json</c>); tables are <c>[[value, count], …]</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["interactions_per_user"] = Table(InteractionsPerUser),
        ["interactions_per_item"] = Table(InteractionsPerItem),
        ["test_history_lengths"] = Table(TestHistoryLengths),
        ["text_words"] = Table(TextWords),
        ["items"] = Items, ["items_with_text"] = ItemsWithText, ["items_with_image"] = ItemsWithImage,
        ["users"] = Users, ["train_interactions"] = TrainInteractions, ["validation_users"] = ValidationUsers,
        ["test_users"] = TestUsers, ["train_only_users"] = TrainOnlyUsers,
    };

    /// <summary>Reads <see cref="ToJson"/>'s form back.</summary>
    /// <exception cref="InvalidDataException">A field is missing or of the wrong type; the message names it.</exception>
    public static DataProfile FromJson(JsonNode node, string source)
    {
        IReadOnlyList<(int, int)> T(string key) => (node[key] as JsonArray ?? throw Missing(key))
            .Select(p => (p![0]!.GetValue<int>(), p[1]!.GetValue<int>())).ToList();
        int I(string key) => node[key]?.GetValue<int>() ?? throw Missing(key);
        InvalidDataException Missing(string key) => new($"{source}: `{key}` is missing or not of the expected type.");
        try
        {
            return new DataProfile(T("interactions_per_user"), T("interactions_per_item"), T("test_history_lengths"), T("text_words"),
                I("items"), I("items_with_text"), I("items_with_image"), I("users"), I("train_interactions"), I("validation_users"),
                I("test_users"), I("train_only_users"));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"{source}: not a data profile ({e.Message}).", e);
        }
    }

    private static JsonArray Table(IReadOnlyList<(int Value, int Count)> t) => new(t.Select(p => (JsonNode)new JsonArray(p.Value, p.Count)).ToArray());
}
