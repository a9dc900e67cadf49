using Microsoft.ML;
using BlairClip.ML.DataViews;

namespace BlairClip.ML.Core;

/// <summary>The two tables a recommender pipeline is fitted on — ML.NET has no notion of this pair: the catalog
/// (<see cref="ItemTable"/>, an <see cref="IDataView"/> with one row per item index and at least the text column
/// <c>ItemId</c>) and the training interactions (<see cref="Train"/>, also as the key-typed
/// <see cref="InteractionsView"/>), with the user and item id maps and the users' histories. Immutable.</summary>
public sealed class RecDataset
{
    /// <summary>Item id: text in the item table, a key (into <see cref="Items"/>) in the interactions.</summary>
    public const string ItemIdColumn = "ItemId";
    /// <summary>User id: a key (into <see cref="Users"/>) in the interactions.</summary>
    public const string UserIdColumn = "UserId";
    /// <summary>Interaction time (Int64; only order matters).</summary>
    public const string TimestampColumn = "Timestamp";
    /// <summary>Interaction rating (Single; NaN where the source has none).</summary>
    public const string RatingColumn = "Rating";

    /// <param name="validation">The validation split (one held-out event per validation user; empty when the study has
    /// none): what trained models validate and stop early on, as Cornac's <c>fit(train_set, val_set)</c>.</param>
    public RecDataset(IdMap users, IdMap items, IDataView itemTable, Interactions train, Interactions? validation = null)
    {
        if (itemTable.GetRowCount() is not { } rows || rows != items.Count)
            throw new ArgumentException($"Item table has {itemTable.GetRowCount()?.ToString() ?? "an unknown number of"} rows for {items.Count} items.");
        Users = users; Items = items; ItemTable = itemTable; Train = train; Validation = validation ?? Interactions.Empty;
        _histories = new Lazy<UserHistories>(() => UserHistories.From(Train, Users.Count));
        _interactions = new Lazy<IDataView>(() =>
        {
            var view = InteractionsOf(Users, Items, Train);
            Known.AddOrUpdate(view, new KnownEvents(Train, Users.Count, Items.Count, _histories));
            return view;
        });
    }

    private readonly Lazy<UserHistories> _histories;

    /// <summary>The arrays behind each <see cref="InteractionsView"/> handed out, so that fitting on it reads no column
    /// and rebuilds no histories (the view is immutable; the arrays are the same values).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IDataView, KnownEvents> Known = new();

    private sealed record KnownEvents(Interactions Events, int Users, int Items, Lazy<UserHistories> Histories);
    private readonly Lazy<IDataView> _interactions;

    public IdMap Users { get; }
    public IdMap Items { get; }
    public IDataView ItemTable { get; }
    public Interactions Train { get; }
    /// <summary>The validation events (users and items as indices; empty without a validation split).</summary>
    public Interactions Validation { get; }

    /// <summary>Distinct training items per user.</summary>
    public UserHistories TrainHistories => _histories.Value;

    /// <summary><see cref="Train"/> as ML.NET sees interactions (the shape of its matrix factorization input):
    /// <c>UserId</c> and <c>ItemId</c> UInt32 keys (1-based, with the ids as KeyValues), <c>Timestamp</c> Int64,
    /// <c>Rating</c> Single.</summary>
    public IDataView InteractionsView => _interactions.Value;

    /// <summary>The same dataset with another item table (same rows).</summary>
    public RecDataset WithItemTable(IDataView itemTable) => new(Users, Items, itemTable, Train, Validation);

    /// <summary>The key-typed interactions view of <paramref name="events"/> (see <see cref="InteractionsView"/>).</summary>
    public static IDataView InteractionsOf(IdMap users, IdMap items, Interactions events) =>
        ColumnarDataView.Create(events.Count)
            .AddKey(UserIdColumn, events.User.Select(u => (uint)u + 1).ToArray(), users)
            .AddKey(ItemIdColumn, events.Item.Select(i => (uint)i + 1).ToArray(), items)
            .AddInt64(TimestampColumn, events.Timestamp)
            .AddSingle(RatingColumn, events.Rating);

    /// <summary>The distinct items per user of <paramref name="events"/> read from <paramref name="view"/> (cached for
    /// a dataset's own <see cref="InteractionsView"/>).</summary>
    public static UserHistories HistoriesOf(IDataView view, Interactions events, int users) =>
        Known.TryGetValue(view, out var known) && ReferenceEquals(known.Events, events) ? known.Histories.Value : UserHistories.From(events, users);

    /// <summary>Reads a key-typed interactions view back into index arrays (users and items 0-based) with the
    /// numbers of users and items its key types declare.</summary>
    /// <exception cref="SchemaMismatchException">No UInt32 key columns <c>UserId</c>/<c>ItemId</c>; names <paramref name="owner"/>.</exception>
    /// <exception cref="InvalidDataException">A missing key (0) in a row.</exception>
    public static (Interactions Events, int Users, int Items) ReadInteractions(IDataView view, string owner)
    {
        if (Known.TryGetValue(view, out var known)) return (known.Events, known.Users, known.Items);
        var users = DataViewColumns.Keys(view, UserIdColumn, owner, out var userCount);
        var items = DataViewColumns.Keys(view, ItemIdColumn, owner, out var itemCount);
        var u = new int[users.Length];
        var i = new int[items.Length];
        for (int k = 0; k < u.Length; k++)
        {
            if (users[k] == 0 || items[k] == 0)
                throw new InvalidDataException($"{owner}: interaction row {k} has a missing {(users[k] == 0 ? UserIdColumn : ItemIdColumn)} key.");
            u[k] = (int)users[k] - 1;
            i[k] = (int)items[k] - 1;
        }
        var schema = view.Schema;
        var timestamps = schema.GetColumnOrNull(TimestampColumn) is not null ? DataViewColumns.Int64(view, TimestampColumn, owner) : new long[u.Length];
        var ratings = schema.GetColumnOrNull(RatingColumn) is not null ? DataViewColumns.Single(view, RatingColumn, owner) : Enumerable.Repeat(float.NaN, u.Length).ToArray();
        return (new Interactions(u, i, timestamps, ratings), checked((int)userCount), checked((int)itemCount));
    }
}
