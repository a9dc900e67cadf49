namespace BlairClip.ML.Core;

/// <summary>An immutable typed columnar table: every column has <see cref="RowCount"/> rows.
/// Transformers never mutate a view; they return a new one that shares the untouched columns.</summary>
public sealed class DataView
{
    private readonly DataColumn[] _columns;

    public DataView(int rowCount, IEnumerable<DataColumn> columns)
    {
        RowCount = rowCount;
        _columns = columns.ToArray();
        foreach (var c in _columns)
            if (c.Length != rowCount)
                throw new ArgumentException($"Column '{c.Name}' has {c.Length} rows, the view has {rowCount}.");
        Schema = new Schema(_columns.Select(c => new SchemaColumn(c.Name, c.Type)));
    }

    public int RowCount { get; }
    public Schema Schema { get; }
    public IReadOnlyList<DataColumn> Columns => _columns;

    /// <summary>Returns column <paramref name="name"/> as <typeparamref name="TColumn"/>.</summary>
    /// <exception cref="SchemaMismatchException">Missing, or not of that column class.</exception>
    public TColumn GetColumn<TColumn>(string name) where TColumn : DataColumn
    {
        foreach (var c in _columns)
            if (c.Name == name)
                return c as TColumn ?? throw new SchemaMismatchException(
                    $"Column '{name}' is {c.Type}, not {typeof(TColumn).Name}.");
        throw new SchemaMismatchException($"No column '{name}' in {Schema}.");
    }

    public bool HasColumn(string name) => Schema.TryGetColumn(name, out _);

    /// <summary>A new view with <paramref name="column"/> added (replacing one of the same name).</summary>
    public DataView WithColumn(DataColumn column) =>
        new(RowCount, _columns.Where(c => c.Name != column.Name).Append(column));
}
