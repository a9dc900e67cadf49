using Microsoft.ML;
using Microsoft.ML.Data;
using BlairClip.ML.DataViews;

namespace BlairClip.ML.Core;

/// <summary>Base of our fitted item featurizers (TF-IDF, feature lookup, tower embeddings): an ML.NET
/// <see cref="ITransformer"/> over the item table that appends columns, usable in any ML.NET pipeline.
/// <para>They transform whole tables, not single rows (<see cref="IsRowToRowMapper"/> is false): every one reads a
/// whole column (a vocabulary pass, a batched tower). Their state is written to our model zips
/// (<see cref="Models.ModelArchive"/>), not by <c>MLContext.Model.Save</c>: ML.NET 5.0.1 gives a transformer outside
/// its own assemblies no writer for the zip (<c>ModelSaveContext</c>'s members are internal), so
/// <see cref="ICanSaveModel.Save"/> refuses with that explanation. A fitted recommender pipeline's zip is still an
/// ML.NET zip: its ML.NET chain carries the featurizers' effect in the item vectors.</para></summary>
public abstract class ItemTransformer : ITransformer, Models.IModelEntry
{
    public bool IsRowToRowMapper => false;

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new NotSupportedException($"{GetType().Name} transforms whole item tables (Transform), not single rows.");

    /// <summary>The columns <see cref="Transform"/> appends to an input of <paramref name="input"/>'s schema.</summary>
    /// <exception cref="SchemaMismatchException">A needed input column is missing or of the wrong kind.</exception>
    protected abstract (string Name, DataViewType Type)[] AddedColumns(DataViewSchema input);

    /// <summary>Appends the columns to <paramref name="input"/> (whose schema has been checked).</summary>
    protected abstract ColumnarDataView Append(ColumnarDataView input);

    /// <exception cref="SchemaMismatchException">A needed input column is missing or of the wrong kind.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => SchemaShapes.With(inputSchema, AddedColumns(inputSchema));

    /// <summary>A new view: <paramref name="input"/>'s columns and the appended ones (the input is not changed).</summary>
    /// <exception cref="SchemaMismatchException">A needed input column is missing or of the wrong kind.</exception>
    public IDataView Transform(IDataView input)
    {
        AddedColumns(input.Schema);
        return Append(ColumnarDataView.Over(input));
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(
        $"{GetType().Name} cannot be written by MLContext.Model.Save: ML.NET 5.0.1 gives transformers outside its own assemblies no writer for the zip. "
        + "Save the fitted recommender pipeline with ModelArchive.Save (mlContext.BlairClip().Models.Save): that zip is an ML.NET zip and holds this step too.");

    public abstract void SaveEntry(Models.EntryWriter writer);
}
