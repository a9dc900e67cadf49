namespace BlairClip.ML.Core;

/// <summary>The schema of what flows through a recommender pipeline: the item table's columns and the
/// interaction table's columns. Checked by every estimator before fitting.</summary>
public sealed record RecSchema(Schema Items, Schema Interactions)
{
    public RecSchema WithItemColumn(SchemaColumn column) => this with { Items = Items.With(column) };
}

/// <summary>What a recommender pipeline is fitted on and transforms: the catalog (one row per item index,
/// at least column <c>ItemId</c>), the users, and the training interactions. Immutable.</summary>
public sealed class RecDataset
{
    /// <summary>Name of the item id column that every item table has.</summary>
    public const string ItemIdColumn = "ItemId";

    public RecDataset(IdMap users, IdMap items, DataView itemTable, Interactions train)
    {
        if (itemTable.RowCount != items.Count)
            throw new ArgumentException($"Item table has {itemTable.RowCount} rows for {items.Count} items.");
        Users = users; Items = items; ItemTable = itemTable; Train = train;
        _histories = new Lazy<UserHistories>(() => UserHistories.From(Train, Users.Count));
    }

    private readonly Lazy<UserHistories> _histories;

    public IdMap Users { get; }
    public IdMap Items { get; }
    public DataView ItemTable { get; }
    public Interactions Train { get; }

    /// <summary>Distinct training items per user.</summary>
    public UserHistories TrainHistories => _histories.Value;

    public RecSchema Schema => new(ItemTable.Schema, Interactions.Schema);

    /// <summary>The same dataset with another item table (same rows).</summary>
    public RecDataset WithItemTable(DataView itemTable) => new(Users, Items, itemTable, Train);
}
