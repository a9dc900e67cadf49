using System.Collections;

namespace BlairClip.ML.Core;

/// <summary>One named, typed column of a <see cref="Schema"/>.</summary>
public sealed record SchemaColumn(string Name, ColumnType Type);

/// <summary>Thrown when a pipeline's input does not have the columns a component needs.
/// Raised by <c>GetOutputSchema</c>, i.e. before any fitting starts.</summary>
public sealed class SchemaMismatchException(string message) : InvalidOperationException(message);

/// <summary>An ordered, immutable list of named typed columns. Names are unique (ordinal).</summary>
public sealed class Schema : IReadOnlyList<SchemaColumn>
{
    private readonly SchemaColumn[] _columns;

    public static readonly Schema Empty = new([]);

    public Schema(IEnumerable<SchemaColumn> columns)
    {
        _columns = columns.ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in _columns)
            if (!seen.Add(c.Name))
                throw new ArgumentException($"Schema has column '{c.Name}' twice.");
    }

    public int Count => _columns.Length;
    public SchemaColumn this[int index] => _columns[index];

    /// <summary>Finds a column by name.</summary>
    public bool TryGetColumn(string name, out SchemaColumn column)
    {
        foreach (var c in _columns)
            if (c.Name == name) { column = c; return true; }
        column = null!;
        return false;
    }

    /// <summary>Returns the column <paramref name="name"/>, checking its kind.</summary>
    /// <param name="name">Column name.</param>
    /// <param name="owner">The component that needs the column (named in the error).</param>
    /// <param name="kinds">Accepted kinds; empty accepts any.</param>
    /// <exception cref="SchemaMismatchException">The column is missing or of another kind.</exception>
    public SchemaColumn Require(string name, string owner, params DataKind[] kinds)
    {
        if (!TryGetColumn(name, out var col))
            throw new SchemaMismatchException(
                $"{owner} needs column '{name}', but the input has only [{string.Join(", ", _columns.Select(c => $"{c.Name}: {c.Type}"))}].");
        if (kinds.Length > 0 && Array.IndexOf(kinds, col.Type.Kind) < 0)
            throw new SchemaMismatchException(
                $"{owner} needs column '{name}' of kind {string.Join(" or ", kinds)}, but it is {col.Type}.");
        return col;
    }

    /// <summary>A new schema with <paramref name="column"/> added, replacing a column of the same name.</summary>
    public Schema With(SchemaColumn column) =>
        new(_columns.Where(c => c.Name != column.Name).Append(column));

    public IEnumerator<SchemaColumn> GetEnumerator() => ((IEnumerable<SchemaColumn>)_columns).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => "{" + string.Join(", ", _columns.Select(c => $"{c.Name}: {c.Type}")) + "}";
}
