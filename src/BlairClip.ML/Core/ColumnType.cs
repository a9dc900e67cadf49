namespace BlairClip.ML.Core;

/// <summary>The kind of values a column holds.</summary>
public enum DataKind
{
    /// <summary>UTF-16 string per row.</summary>
    Text,
    /// <summary>32-bit integer per row (used for dense 0-based indices into an <see cref="IdMap"/>).</summary>
    Int32,
    /// <summary>64-bit integer per row (timestamps).</summary>
    Int64,
    /// <summary>32-bit float per row.</summary>
    Single,
    /// <summary>Fixed-size dense float32 vector per row, stored row-major.</summary>
    DenseVector,
    /// <summary>Fixed-size sparse float32 vector per row, stored as CSR.</summary>
    SparseVector,
}

/// <summary>The type of a column: its kind and, for vectors, the dimension.</summary>
public sealed record ColumnType(DataKind Kind, int Dimension = 0)
{
    public static readonly ColumnType Text = new(DataKind.Text);
    public static readonly ColumnType Int32 = new(DataKind.Int32);
    public static readonly ColumnType Int64 = new(DataKind.Int64);
    public static readonly ColumnType Single = new(DataKind.Single);

    /// <summary>A dense float32 vector of <paramref name="dimension"/> values per row.</summary>
    public static ColumnType DenseVector(int dimension) => new(DataKind.DenseVector, dimension);

    /// <summary>A sparse float32 vector of logical size <paramref name="dimension"/> per row.</summary>
    public static ColumnType SparseVector(int dimension) => new(DataKind.SparseVector, dimension);

    /// <summary>True for dense or sparse vectors.</summary>
    public bool IsVector => Kind is DataKind.DenseVector or DataKind.SparseVector;

    public override string ToString() => IsVector ? $"{Kind}[{Dimension}]" : Kind.ToString();
}
