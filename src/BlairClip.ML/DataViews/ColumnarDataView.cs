using Microsoft.ML;
using Microsoft.ML.Data;

namespace BlairClip.ML.DataViews;

/// <summary>An immutable column-major <see cref="IDataView"/> held in arrays: the item table and the interactions of a
/// study, and the columns our featurizers append. Written by hand because ML.NET's public API builds in-memory views
/// only from a fixed C# row class (<c>LoadFromEnumerable</c>), while our schemas are decided at run time (item text
/// fields, feature files, pipeline steps), and because the estimators read whole columns (spans), not rows.
/// <para>A view may sit over a <see cref="Source"/> (any <see cref="IDataView"/>, e.g. the output of an ML.NET
/// transform): the source's columns come first and pass through its cursor; appended columns follow, and — as in
/// every ML.NET transform — a new column of an existing name hides the old one.</para>
/// <para>Types: text (<see cref="ReadOnlyMemory{T}"/> of char), Int32, Int64, Single, keys (UInt32, 1-based, with
/// their KeyValues), known-size Single vectors stored dense (row-major) or sparse (CSR).</para></summary>
public sealed class ColumnarDataView : IDataView
{
    private readonly StoredColumn[] _columns;
    private readonly int _sourceColumns;

    private ColumnarDataView(int rows, IDataView? source, StoredColumn[] columns)
    {
        RowCount = rows; Source = source; _columns = columns;
        var builder = new DataViewSchema.Builder();
        if (source is not null) builder.AddColumns(source.Schema);
        _sourceColumns = source?.Schema.Count ?? 0;
        foreach (var c in columns) builder.AddColumn(c.Name, c.Type, c.Annotations());
        Schema = builder.ToSchema();
    }

    /// <summary>A view of <paramref name="rows"/> rows and no columns.</summary>
    public static ColumnarDataView Create(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        return new(rows, null, []);
    }

    /// <summary><paramref name="source"/> itself when it is a <see cref="ColumnarDataView"/>, else a view over it to
    /// append columns to (the source must know its row count).</summary>
    /// <exception cref="ArgumentException">The source cannot tell its row count cheaply.</exception>
    public static ColumnarDataView Over(IDataView source)
    {
        if (source is ColumnarDataView c) return c;
        long rows = source.GetRowCount() ?? Count(source);
        return new((int)rows, source, []);
    }

    private static long Count(IDataView view)
    {
        long n = 0;
        using var cursor = view.GetRowCursor([]);
        while (cursor.MoveNext()) n++;
        return n;
    }

    public int RowCount { get; }
    /// <summary>The view whose columns pass through (null for a view held entirely in arrays).</summary>
    public IDataView? Source { get; }
    public DataViewSchema Schema { get; }
    public bool CanShuffle => false;
    public long? GetRowCount() => RowCount;

    /// <summary>The same rows with a text column added (replacing an appended column of that name).</summary>
    public ColumnarDataView AddText(string name, string[] values) => With(new TextColumn(name, Check(values)));
    /// <summary>A text column over slices of existing buffers (e.g. <see cref="Core.IdMap.Memory"/>: no string per row).</summary>
    public ColumnarDataView AddTextSlices(string name, ReadOnlyMemory<char>[] values) => With(new TextSliceColumn(name, Check(values)));
    public ColumnarDataView AddInt32(string name, int[] values) => With(new ScalarColumn<int>(name, NumberDataViewType.Int32, Check(values)));
    public ColumnarDataView AddInt64(string name, long[] values) => With(new ScalarColumn<long>(name, NumberDataViewType.Int64, Check(values)));
    public ColumnarDataView AddSingle(string name, float[] values) => With(new ScalarColumn<float>(name, NumberDataViewType.Single, Check(values)));
    public ColumnarDataView AddUInt32(string name, uint[] values) => With(new ScalarColumn<uint>(name, NumberDataViewType.UInt32, Check(values)));

    /// <summary>A key column of <paramref name="count"/> keys: <paramref name="keys"/> are 1-based (0 = missing);
    /// <paramref name="keyValues"/> (optional, <paramref name="count"/> of them) become its KeyValues annotation.</summary>
    public ColumnarDataView AddKey(string name, uint[] keys, int count, IReadOnlyList<string>? keyValues = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (keyValues is not null && keyValues.Count != count)
            throw new ArgumentException($"Column '{name}': {keyValues.Count} key values for {count} keys.", nameof(keyValues));
        return With(new KeyColumn(name, Check(keys), count,
            keyValues is null ? null : () => keyValues.Select(s => s.AsMemory()).ToArray()));
    }

    /// <summary>A key column over the ids of <paramref name="keyValues"/>, whose KeyValues annotation is those ids (in
    /// index order), read from its table when first asked for: no string per id (1.8 M users). An empty map gives one key
    /// (a key type needs one) and no annotation.</summary>
    public ColumnarDataView AddKey(string name, uint[] keys, Core.IdMap keyValues)
    {
        if (keyValues.Count == 0) return AddKey(name, keys, 1);
        return With(new KeyColumn(name, Check(keys), keyValues.Count, () =>
        {
            var values = new ReadOnlyMemory<char>[keyValues.Count];
            for (int i = 0; i < values.Length; i++) values[i] = keyValues.Memory(i);
            return values;
        }));
    }

    /// <summary>A dense vector column of <paramref name="dimension"/> values per row, <paramref name="values"/> row-major.</summary>
    public ColumnarDataView AddDense(string name, int dimension, float[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (values.LongLength != (long)RowCount * dimension)
            throw new ArgumentException($"Column '{name}': {values.LongLength} values are not {RowCount} rows of {dimension}.", nameof(values));
        return With(new DenseColumn(name, dimension, values));
    }

    /// <summary>A sparse vector column in CSR layout: row r's entries are <c>indices/values[indptr[r] .. indptr[r+1])</c>,
    /// indices ascending within a row.</summary>
    public ColumnarDataView AddSparse(string name, int dimension, int[] indptr, int[] indices, float[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (indptr.Length != RowCount + 1 || indptr[0] != 0 || indptr[^1] != indices.Length || indices.Length != values.Length)
            throw new ArgumentException($"Column '{name}': malformed CSR arrays (offsets must run from 0 to the entry count over {RowCount} rows).");
        return With(new SparseColumn(name, dimension, indptr, indices, values));
    }

    /// <summary>Rows <paramref name="rows"/> (in that order) of a view held entirely in arrays.</summary>
    /// <exception cref="InvalidOperationException">The view has a <see cref="Source"/>.</exception>
    public ColumnarDataView SelectRows(int[] rows)
    {
        if (Source is not null) throw new InvalidOperationException("Only a view held entirely in arrays can select rows.");
        return new(rows.Length, null, _columns.Select(c => c.Select(rows)).ToArray());
    }

    private T[] Check<T>(T[] values) => values.Length == RowCount ? values
        : throw new ArgumentException($"{values.Length} values for a view of {RowCount} rows.", nameof(values));

    private ColumnarDataView With(StoredColumn column) =>
        new(RowCount, Source, [.. _columns.Where(c => c.Name != column.Name), column]);

    /// <summary>The stored column behind schema column <paramref name="name"/> when it is one of ours (not hidden).</summary>
    internal StoredColumn? Stored(string name)
    {
        if (Schema.GetColumnOrNull(name) is not { } col || col.Index < _sourceColumns) return null;
        return _columns[col.Index - _sourceColumns];
    }

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToList();
        var sourceCursor = Source?.GetRowCursor(needed.Where(c => c.Index < _sourceColumns).Select(c => Source.Schema[c.Index]));
        return new Cursor(this, sourceCursor, needed.Select(c => c.Index).ToHashSet());
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(ColumnarDataView view, DataViewRowCursor? source, HashSet<int> active) : DataViewRowCursor
    {
        private long _position = -1;

        public override long Position => _position;
        public override long Batch => 0;
        public override DataViewSchema Schema => view.Schema;

        public override bool MoveNext()
        {
            if (source is not null && !source.MoveNext()) { _position = view.RowCount; return false; }
            if (++_position < view.RowCount) return true;
            _position = view.RowCount;
            return false;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => source is not null ? source.GetIdGetter()
            : (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => column.Index < view._sourceColumns
            ? source!.IsColumnActive(source.Schema[column.Index]) : active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < view._sourceColumns) return source!.GetGetter<TValue>(source.Schema[column.Index]);
            if (!active.Contains(column.Index)) throw new InvalidOperationException($"Column '{column.Name}' was not requested from this cursor.");
            var stored = view._columns[column.Index - view._sourceColumns];
            return stored.Getter<TValue>(() => checked((int)_position));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) source?.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>One column's arrays and how a cursor reads a row of them.</summary>
    internal abstract class StoredColumn(string name, DataViewType type)
    {
        public string Name { get; } = name;
        public DataViewType Type { get; } = type;
        public virtual DataViewSchema.Annotations? Annotations() => null;
        public abstract StoredColumn Select(int[] rows);

        public ValueGetter<TValue> Getter<TValue>(Func<int> row) => MakeGetter(row) as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{Name}' is {Type}; it cannot be read as {typeof(TValue).Name}.");

        protected abstract Delegate MakeGetter(Func<int> row);
    }

    internal sealed class TextColumn(string name, string[] values) : StoredColumn(name, TextDataViewType.Instance)
    {
        public string[] Values { get; } = values;
        public override StoredColumn Select(int[] rows) => new TextColumn(Name, rows.Select(r => Values[r]).ToArray());
        protected override Delegate MakeGetter(Func<int> row) =>
            (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = (Values[row()] ?? "").AsMemory());
    }

    internal sealed class TextSliceColumn(string name, ReadOnlyMemory<char>[] values) : StoredColumn(name, TextDataViewType.Instance)
    {
        public ReadOnlyMemory<char>[] Values { get; } = values;
        public override StoredColumn Select(int[] rows) => new TextSliceColumn(Name, rows.Select(r => Values[r]).ToArray());
        protected override Delegate MakeGetter(Func<int> row) =>
            (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = Values[row()]);
    }

    internal sealed class ScalarColumn<T>(string name, DataViewType type, T[] values) : StoredColumn(name, type)
    {
        public T[] Values { get; } = values;
        public override StoredColumn Select(int[] rows) => new ScalarColumn<T>(Name, Type, rows.Select(r => Values[r]).ToArray());
        protected override Delegate MakeGetter(Func<int> row) => (ValueGetter<T>)((ref T v) => v = Values[row()]);
    }

    internal sealed class KeyColumn(string name, uint[] keys, int count, Func<ReadOnlyMemory<char>[]>? keyValues)
        : StoredColumn(name, new KeyDataViewType(typeof(uint), count))
    {
        // Made when the annotation is first read, once.
        private readonly Lazy<ReadOnlyMemory<char>[]>? _keyValues = keyValues is null ? null : new(keyValues);
        public uint[] Keys { get; } = keys;
        public override StoredColumn Select(int[] rows) => new KeyColumn(Name, rows.Select(r => Keys[r]).ToArray(), count, keyValues);
        protected override Delegate MakeGetter(Func<int> row) => (ValueGetter<uint>)((ref uint v) => v = Keys[row()]);

        public override DataViewSchema.Annotations? Annotations()
        {
            if (_keyValues is null) return null;
            var builder = new DataViewSchema.Annotations.Builder();
            var values = _keyValues;
            builder.Add("KeyValues", new VectorDataViewType(TextDataViewType.Instance, count),
                (ValueGetter<VBuffer<ReadOnlyMemory<char>>>)((ref VBuffer<ReadOnlyMemory<char>> v) => v = new VBuffer<ReadOnlyMemory<char>>(count, values.Value)));
            return builder.ToAnnotations();
        }
    }

    internal sealed class DenseColumn(string name, int dimension, float[] values)
        : StoredColumn(name, new VectorDataViewType(NumberDataViewType.Single, dimension))
    {
        public int Dimension { get; } = dimension;
        /// <summary><c>[rows, Dimension]</c> row-major.</summary>
        public float[] Values { get; } = values;
        public override StoredColumn Select(int[] rows) =>
            new DenseColumn(Name, Dimension, rows.SelectMany(r => Values.AsSpan(r * Dimension, Dimension).ToArray()).ToArray());

        protected override Delegate MakeGetter(Func<int> row) => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> v) =>
        {
            var editor = VBufferEditor.Create(ref v, Dimension);
            Values.AsSpan(row() * Dimension, Dimension).CopyTo(editor.Values);
            v = editor.Commit();
        });
    }

    internal sealed class SparseColumn(string name, int dimension, int[] indptr, int[] indices, float[] values)
        : StoredColumn(name, new VectorDataViewType(NumberDataViewType.Single, dimension))
    {
        public int Dimension { get; } = dimension;
        public int[] Indptr { get; } = indptr;
        public int[] Indices { get; } = indices;
        public float[] Values { get; } = values;

        public override StoredColumn Select(int[] rows)
        {
            var offsets = new int[rows.Length + 1];
            var idx = new List<int>(); var val = new List<float>();
            for (int k = 0; k < rows.Length; k++)
            {
                int start = Indptr[rows[k]], length = Indptr[rows[k] + 1] - start;
                idx.AddRange(Indices.AsSpan(start, length)); val.AddRange(Values.AsSpan(start, length));
                offsets[k + 1] = idx.Count;
            }
            return new SparseColumn(Name, Dimension, offsets, [.. idx], [.. val]);
        }

        protected override Delegate MakeGetter(Func<int> row) => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> v) =>
        {
            int r = row(), start = Indptr[r], count = Indptr[r + 1] - start;
            var editor = VBufferEditor.Create(ref v, Dimension, count);
            Values.AsSpan(start, count).CopyTo(editor.Values);
            if (count < Dimension) Indices.AsSpan(start, count).CopyTo(editor.Indices);
            v = editor.Commit();
        });
    }
}
