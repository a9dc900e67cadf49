using BlairClip.ML.Core;
using BlairClip.ML.DataViews;

namespace BlairClip.ML.Tests.Conformance;

/// <summary>A column for a test's item table (appended with <see cref="TestColumns.With"/>).</summary>
public abstract record TestColumn(string Name)
{
    public abstract ColumnarDataView AppendTo(ColumnarDataView table);
}

/// <summary>Dense rows, row-major.</summary>
public sealed record DenseColumn(string Name, int Dimension, float[] Values) : TestColumn(Name)
{
    public override ColumnarDataView AppendTo(ColumnarDataView table) => table.AddDense(Name, Dimension, Values);
}

/// <summary>The non-zeros of dense row-major <see cref="Values"/>, stored CSR.</summary>
public sealed record SparseColumn(string Name, int Dimension, float[] Values) : TestColumn(Name)
{
    public override ColumnarDataView AppendTo(ColumnarDataView table)
    {
        var offsets = new List<int> { 0 }; var indices = new List<int>(); var values = new List<float>();
        for (int r = 0; r < Values.Length / Dimension; r++)
        {
            for (int c = 0; c < Dimension; c++)
                if (Values[r * Dimension + c] != 0) { indices.Add(c); values.Add(Values[r * Dimension + c]); }
            offsets.Add(indices.Count);
        }
        return table.AddSparse(Name, Dimension, [.. offsets], [.. indices], [.. values]);
    }
}

/// <summary>An Int32 column (presence flags).</summary>
public sealed record Int32Column(string Name, int[] Values) : TestColumn(Name)
{
    public override ColumnarDataView AppendTo(ColumnarDataView table) => table.AddInt32(Name, Values);
}

/// <summary>A text column.</summary>
public sealed record TextColumn(string Name, string[] Values) : TestColumn(Name)
{
    public override ColumnarDataView AppendTo(ColumnarDataView table) => table.AddText(Name, Values);
}

/// <summary>A sparse column read back: CSR arrays.</summary>
public sealed record Csr(int Dimension, int[] Indptr, int[] Indices, float[] Values)
{
    public int[] RowOffsets => Indptr;
    public ReadOnlySpan<int> RowIndices(int r) => Indices.AsSpan(Indptr[r], Indptr[r + 1] - Indptr[r]);
    public ReadOnlySpan<float> RowValues(int r) => Values.AsSpan(Indptr[r], Indptr[r + 1] - Indptr[r]);
}

public static class TestColumns
{
    /// <summary><paramref name="data"/> with <paramref name="columns"/> appended to its item table.</summary>
    public static RecDataset With(this RecDataset data, params TestColumn[] columns)
    {
        var table = ColumnarDataView.Over(data.ItemTable);
        foreach (var c in columns) table = c.AppendTo(table);
        return data.WithItemTable(table);
    }

    /// <summary>Vector column <paramref name="name"/> of <paramref name="view"/>, dense row-major.</summary>
    public static float[] DenseValues(Microsoft.ML.IDataView view, string name) => DataViewColumns.Vectors(view, name, "test").ToDense();

    /// <summary>Vector column <paramref name="name"/> of <paramref name="view"/> as CSR (it must read sparse).</summary>
    public static Csr SparseValues(Microsoft.ML.IDataView view, string name)
    {
        var m = DataViewColumns.Vectors(view, name, "test");
        if (m.IsDense) throw new InvalidOperationException($"test: column {name} reads dense");
        var indptr = new int[m.Rows + 1]; var indices = new List<int>(); var values = new List<float>();
        for (int r = 0; r < m.Rows; r++) { indices.AddRange(m.RowIndices(r)); values.AddRange(m.Row(r)); indptr[r + 1] = indices.Count; }
        return new Csr(m.Dimension, indptr, [.. indices], [.. values]);
    }

    /// <summary>True when vector column <paramref name="name"/> is read as CSR.</summary>
    public static bool IsSparse(Microsoft.ML.IDataView view, string name) => !DataViewColumns.Vectors(view, name, "test").IsDense;

    /// <summary>Int32 column <paramref name="name"/> of <paramref name="view"/>.</summary>
    public static int[] Int32Values(Microsoft.ML.IDataView view, string name) => DataViewColumns.Int32(view, name, "test");

    /// <summary>Text column <paramref name="name"/> of <paramref name="view"/>.</summary>
    public static string[] TextValues(Microsoft.ML.IDataView view, string name) => DataViewColumns.Text(view, name, "test");

    /// <summary>The dimension of vector column <paramref name="name"/> of <paramref name="schema"/>.</summary>
    public static int VectorSize(Microsoft.ML.DataViewSchema schema, string name) => ((Microsoft.ML.Data.VectorDataViewType)schema[name].Type).Size;

    /// <summary><paramref name="data"/> without item column <paramref name="name"/> (for schema-refusal tests).</summary>
    public static RecDataset Without(this RecDataset data, string name)
    {
        var source = ColumnarDataView.Over(data.ItemTable);
        var table = ColumnarDataView.Create(source.RowCount);
        foreach (var c in source.Schema)
        {
            if (c.Name == name || c.IsHidden) continue;
            table = c.Type switch
            {
                Microsoft.ML.Data.TextDataViewType => table.AddText(c.Name, DataViewColumns.Text(source, c.Name, "test")),
                _ when c.Type == Microsoft.ML.Data.NumberDataViewType.Int32 => table.AddInt32(c.Name, DataViewColumns.Int32(source, c.Name, "test")),
                _ => throw new NotSupportedException($"test helper: column {c.Name} of {c.Type}"),
            };
        }
        return data.WithItemTable(table);
    }
}
