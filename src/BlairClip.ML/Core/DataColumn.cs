namespace BlairClip.ML.Core;

/// <summary>An immutable column of a <see cref="DataView"/>: a name, a type and <see cref="Length"/> rows.</summary>
public abstract class DataColumn(string name, ColumnType type)
{
    public string Name { get; } = name;
    public ColumnType Type { get; } = type;
    public abstract int Length { get; }

    /// <summary>The same values under another name.</summary>
    public abstract DataColumn Rename(string name);
}

/// <summary>A column with one scalar value per row (string, int, long or float).</summary>
public sealed class ScalarColumn<T> : DataColumn
{
    private readonly T[] _values;

    public ScalarColumn(string name, T[] values) : base(name, TypeOf())
    {
        _values = values;
    }

    public override int Length => _values.Length;
    public ReadOnlySpan<T> Values => _values;
    public T this[int row] => _values[row];
    public override DataColumn Rename(string name) => new ScalarColumn<T>(name, _values);

    private static ColumnType TypeOf() =>
        typeof(T) == typeof(string) ? ColumnType.Text
        : typeof(T) == typeof(int) ? ColumnType.Int32
        : typeof(T) == typeof(long) ? ColumnType.Int64
        : typeof(T) == typeof(float) ? ColumnType.Single
        : throw new NotSupportedException($"No column type for {typeof(T).Name}.");
}

/// <summary>A dense float32 vector per row, row-major: row r is <c>Values[r*Dimension .. (r+1)*Dimension)</c>.</summary>
public sealed class DenseVectorColumn : DataColumn
{
    private readonly float[] _values;

    public DenseVectorColumn(string name, int dimension, float[] values) : base(name, ColumnType.DenseVector(dimension))
    {
        if (dimension <= 0) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "must be positive");
        if (values.Length % dimension != 0)
            throw new ArgumentException($"{values.Length} values are not a whole number of rows of {dimension}.", nameof(values));
        _values = values;
    }

    public int Dimension => Type.Dimension;
    public override int Length => _values.Length / Dimension;
    /// <summary>All values, <c>[Length, Dimension]</c> row-major.</summary>
    public ReadOnlySpan<float> Values => _values;
    public ReadOnlySpan<float> Row(int row) => _values.AsSpan(row * Dimension, Dimension);
    public override DataColumn Rename(string name) => new DenseVectorColumn(name, Dimension, _values);
}

/// <summary>A sparse float32 vector per row in CSR layout: row r's entries are
/// <c>Indices/Values[RowOffsets[r] .. RowOffsets[r+1])</c>, indices ascending within a row.</summary>
public sealed class SparseVectorColumn : DataColumn
{
    private readonly int[] _rowOffsets, _indices;
    private readonly float[] _values;

    public SparseVectorColumn(string name, int dimension, int[] rowOffsets, int[] indices, float[] values)
        : base(name, ColumnType.SparseVector(dimension))
    {
        if (rowOffsets.Length == 0 || rowOffsets[0] != 0 || rowOffsets[^1] != indices.Length || indices.Length != values.Length)
            throw new ArgumentException("Malformed CSR arrays: offsets must start at 0 and end at the entry count.");
        _rowOffsets = rowOffsets; _indices = indices; _values = values;
    }

    public int Dimension => Type.Dimension;
    public override int Length => _rowOffsets.Length - 1;
    public ReadOnlySpan<int> RowOffsets => _rowOffsets;
    public ReadOnlySpan<int> Indices => _indices;
    public ReadOnlySpan<float> Values => _values;
    public ReadOnlySpan<int> RowIndices(int row) => _indices.AsSpan(_rowOffsets[row], _rowOffsets[row + 1] - _rowOffsets[row]);
    public ReadOnlySpan<float> RowValues(int row) => _values.AsSpan(_rowOffsets[row], _rowOffsets[row + 1] - _rowOffsets[row]);
    public override DataColumn Rename(string name) => new SparseVectorColumn(name, Dimension, _rowOffsets, _indices, _values);
}
