using Microsoft.ML;
using Microsoft.ML.Data;
using BlairClip.ML.Core;
using BlairClip.ML.Recommenders;

namespace BlairClip.ML.DataViews;

/// <summary>The kinds of column our estimators read, for schema checks and their messages.</summary>
public enum ColumnKind
{
    /// <summary>Text (<see cref="ReadOnlyMemory{T}"/> of char).</summary>
    Text,
    /// <summary>Int32 scalar.</summary>
    Int32,
    /// <summary>Int64 scalar.</summary>
    Int64,
    /// <summary>Single scalar.</summary>
    Single,
    /// <summary>A key (UInt32) scalar.</summary>
    Key,
    /// <summary>A known-size vector of Single, dense or sparse.</summary>
    Vector,
}

/// <summary>Reads whole columns out of any <see cref="IDataView"/> (straight from the arrays of a
/// <see cref="ColumnarDataView"/>, through a cursor otherwise) and checks schemas, naming the component that needs
/// the column. Estimators call these instead of walking cursors themselves.</summary>
public static class DataViewColumns
{
    /// <summary>The kind of <paramref name="type"/>, or null when it is none of <see cref="ColumnKind"/>.</summary>
    public static ColumnKind? KindOf(DataViewType type) => type switch
    {
        TextDataViewType => ColumnKind.Text,
        KeyDataViewType => ColumnKind.Key,
        VectorDataViewType v when v.ItemType == NumberDataViewType.Single && v.IsKnownSize => ColumnKind.Vector,
        _ when type == NumberDataViewType.Int32 => ColumnKind.Int32,
        _ when type == NumberDataViewType.Int64 => ColumnKind.Int64,
        _ when type == NumberDataViewType.Single => ColumnKind.Single,
        _ => null,
    };

    /// <summary>The kind of shape column <paramref name="column"/>, or null.</summary>
    public static ColumnKind? KindOf(SchemaShape.Column column) => column.Kind switch
    {
        SchemaShape.Column.VectorKind.Scalar when column.IsKey => ColumnKind.Key,
        SchemaShape.Column.VectorKind.Scalar => KindOf(column.ItemType),
        SchemaShape.Column.VectorKind.Vector when !column.IsKey && column.ItemType == NumberDataViewType.Single => ColumnKind.Vector,
        _ => null,
    };

    /// <summary>Column <paramref name="name"/> of <paramref name="schema"/>, of one of <paramref name="kinds"/>.</summary>
    /// <exception cref="SchemaMismatchException">Missing or of another kind; names <paramref name="owner"/>.</exception>
    public static DataViewSchema.Column Require(DataViewSchema schema, string name, string owner, params ColumnKind[] kinds)
    {
        var column = schema.GetColumnOrNull(name) ?? throw Missing(owner, name, schema.Select(c => $"{c.Name}: {c.Type}"));
        if (kinds.Length > 0 && (KindOf(column.Type) is not { } kind || Array.IndexOf(kinds, kind) < 0))
            throw WrongKind(owner, name, kinds, column.Type.ToString());
        return column;
    }

    /// <summary>Column <paramref name="name"/> of <paramref name="shape"/>, of one of <paramref name="kinds"/>.</summary>
    /// <exception cref="SchemaMismatchException">Missing or of another kind; names <paramref name="owner"/>.</exception>
    public static SchemaShape.Column Require(SchemaShape shape, string name, string owner, params ColumnKind[] kinds)
    {
        if (Find(shape, name) is not { } column)
            throw Missing(owner, name, shape.Select(c => $"{c.Name}: {Describe(c)}"));
        if (kinds.Length > 0 && (KindOf(column) is not { } kind || Array.IndexOf(kinds, kind) < 0))
            throw WrongKind(owner, name, kinds, Describe(column));
        return column;
    }

    /// <summary>The last column named <paramref name="name"/> in <paramref name="shape"/>, or null.</summary>
    public static SchemaShape.Column? Find(SchemaShape shape, string name)
    {
        SchemaShape.Column? found = null;
        foreach (var c in shape) if (c.Name == name) found = c;
        return found;
    }

    private static string Describe(SchemaShape.Column c) =>
        (c.IsKey ? "Key<" + c.ItemType + ">" : c.ItemType.ToString()) + (c.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : "[]");

    private static SchemaMismatchException Missing(string owner, string name, IEnumerable<string> columns) =>
        new($"{owner} needs column '{name}', but the input has only [{string.Join(", ", columns)}].");

    private static SchemaMismatchException WrongKind(string owner, string name, ColumnKind[] kinds, string actual) =>
        new($"{owner} needs column '{name}' of kind {string.Join(" or ", kinds)}, but it is {actual}.");

    /// <summary>Every value of text column <paramref name="name"/>, row order.</summary>
    public static string[] Text(IDataView view, string name, string owner)
    {
        Require(view.Schema, name, owner, ColumnKind.Text);
        if (Stored(view, name) is ColumnarDataView.TextColumn t) return t.Values;
        var values = new List<string>();
        ReadOnlyMemory<char> v = default;
        Each<ReadOnlyMemory<char>>(view, name, get => { get(ref v); values.Add(v.ToString()); });
        return [.. values];
    }

    /// <summary>Every value of Int32 column <paramref name="name"/>, row order.</summary>
    public static int[] Int32(IDataView view, string name, string owner) => Scalars<int>(view, name, owner, ColumnKind.Int32);

    /// <summary>Every value of Int64 column <paramref name="name"/>, row order.</summary>
    public static long[] Int64(IDataView view, string name, string owner) => Scalars<long>(view, name, owner, ColumnKind.Int64);

    /// <summary>Every value of Single column <paramref name="name"/>, row order.</summary>
    public static float[] Single(IDataView view, string name, string owner) => Scalars<float>(view, name, owner, ColumnKind.Single);

    /// <summary>Every key of key column <paramref name="name"/> (1-based; 0 = missing) and the key count.</summary>
    public static uint[] Keys(IDataView view, string name, string owner, out ulong count)
    {
        var column = Require(view.Schema, name, owner, ColumnKind.Key);
        var key = (KeyDataViewType)column.Type;
        if (key.RawType != typeof(uint))
            throw new SchemaMismatchException($"{owner} needs column '{name}' to be a UInt32 key, but it is {column.Type}.");
        count = key.Count;
        if (Stored(view, name) is ColumnarDataView.KeyColumn k) return k.Keys;
        var values = new List<uint>();
        uint v = 0;
        Each<uint>(view, name, get => { get(ref v); values.Add(v); });
        return [.. values];
    }

    private static T[] Scalars<T>(IDataView view, string name, string owner, ColumnKind kind)
    {
        Require(view.Schema, name, owner, kind);
        if (Stored(view, name) is ColumnarDataView.ScalarColumn<T> s) return s.Values;
        var values = new List<T>();
        T v = default!;
        Each<T>(view, name, get => { get(ref v); values.Add(v); });
        return [.. values];
    }

    /// <summary>Vector column <paramref name="name"/> as an item matrix (a copy, which callers may normalise):
    /// dense when the column is stored dense (or every row is dense), CSR otherwise.</summary>
    internal static ItemMatrix Vectors(IDataView view, string name, string owner)
    {
        var column = Require(view.Schema, name, owner, ColumnKind.Vector);
        int dim = ((VectorDataViewType)column.Type).Size;
        switch (Stored(view, name))
        {
            case ColumnarDataView.DenseColumn d: return ItemMatrix.FromDense(d.Dimension, (float[])d.Values.Clone());
            case ColumnarDataView.SparseColumn s: return ItemMatrix.FromSparse(s.Dimension, (int[])s.Indptr.Clone(), (int[])s.Indices.Clone(), (float[])s.Values.Clone());
        }
        var indptr = new List<int> { 0 };
        var indices = new List<int>();
        var values = new List<float>();
        bool allDense = true;
        VBuffer<float> v = default;
        Each<VBuffer<float>>(view, name, get =>
        {
            get(ref v);
            if (v.Length != dim) throw new SchemaMismatchException($"{owner}: a row of column '{name}' has {v.Length} values, the column declares {dim}.");
            allDense &= v.IsDense;
            var vals = v.GetValues();
            var idx = v.GetIndices();
            for (int k = 0; k < vals.Length; k++) { indices.Add(v.IsDense ? k : idx[k]); values.Add(vals[k]); }
            indptr.Add(indices.Count);
        });
        // Every row dense: the CSR entries are all the values, row-major.
        return allDense ? ItemMatrix.FromDense(dim, [.. values]) : ItemMatrix.FromSparse(dim, [.. indptr], [.. indices], [.. values]);
    }

    private static ColumnarDataView.StoredColumn? Stored(IDataView view, string name) => (view as ColumnarDataView)?.Stored(name);

    private static void Each<T>(IDataView view, string name, Action<ValueGetter<T>> row)
    {
        var column = view.Schema[name];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<T>(column);
        while (cursor.MoveNext()) row(getter);
    }
}
