using System.Numerics.Tensors;
using BlairClip.ML.Core;
using BlairClip.ML.Models;

namespace BlairClip.ML.Features;

/// <summary>Options of <see cref="FeatureLookupEstimator"/>.</summary>
public sealed record FeatureLookupOptions
{
    /// <summary>(string) Input item vector column (dense or sparse), e.g. a <c>data.item_features</c> name. Must be
    /// set (there is no sensible default); not <c>required</c> in C# because a study's params override only some keys.</summary>
    public string FeaturesColumn { get; init; } = "";
    /// <summary>(string) Output column name; null keeps <c>features_column</c> (replaced in place).</summary>
    public string? OutputColumn { get; init; }
    /// <summary>(bool) L2-normalise each row (zero rows stay zero).</summary>
    public bool Normalize { get; init; } = false;
}

/// <summary>Selects an item feature column under a pipeline's name for it, optionally L2-normalised:
/// <c>y_i = x_i / ‖x_i‖</c>. Learns nothing; it exists so pipelines read <c>FeatureLookup → EmbeddingRecommender</c>.
/// The presence flag <c>COLUMN_present</c> (see <see cref="ItemFeatureLoader"/>) travels with the column.</summary>
[PipelineStep("FeatureLookup", typeof(FeatureLookupOptions))]
public sealed class FeatureLookupEstimator : IEstimator<FeatureLookupTransformer>
{
    /// <exception cref="InvalidOptionException"><c>features_column</c> or <c>output_column</c> is blank.</exception>
    public FeatureLookupEstimator(BlairClipContext context, FeatureLookupOptions options)
    {
        InvalidOptionException.Check(!string.IsNullOrWhiteSpace(options.FeaturesColumn), "features_column", options.FeaturesColumn, "must name a column");
        InvalidOptionException.Check(options.OutputColumn is null || options.OutputColumn.Trim().Length > 0, "output_column", options.OutputColumn, "must name a column or be null");
        Context = context;
        Options = options;
    }

    public BlairClipContext Context { get; }
    public FeatureLookupOptions Options { get; }

    /// <exception cref="SchemaMismatchException">No dense or sparse vector column <c>features_column</c>.</exception>
    public RecSchema GetOutputSchema(RecSchema input) => new FeatureLookupTransformer(Options).GetOutputSchema(input);

    public FeatureLookupTransformer Fit(RecDataset data)
    {
        GetOutputSchema(data.Schema);
        return new FeatureLookupTransformer(Options);
    }
}

/// <summary>Fitted <see cref="FeatureLookupEstimator"/> (stateless). Entry layout v1: properties
/// <c>features_column</c>, <c>output_column</c> (string or null), <c>normalize</c>; no tensors.</summary>
[ModelEntry("FeatureLookup", 1)]
public sealed class FeatureLookupTransformer : ITransformer
{
    internal FeatureLookupTransformer(FeatureLookupOptions options) => Options = options;

    public FeatureLookupOptions Options { get; }
    private string Output => Options.OutputColumn ?? Options.FeaturesColumn;

    /// <exception cref="SchemaMismatchException">No dense or sparse vector column <c>features_column</c>.</exception>
    public RecSchema GetOutputSchema(RecSchema input)
    {
        var column = input.Items.Require(Options.FeaturesColumn, "FeatureLookup", DataKind.DenseVector, DataKind.SparseVector);
        var schema = input.WithItemColumn(column with { Name = Output });
        return input.Items.TryGetColumn(ItemFeatureLoader.PresenceColumn(Options.FeaturesColumn), out var flag)
            ? schema.WithItemColumn(flag with { Name = ItemFeatureLoader.PresenceColumn(Output) })
            : schema;
    }

    /// <summary>Adds column <c>output_column</c> <c>[items, dim]</c> (and its presence flag) to the item table.</summary>
    public RecDataset Transform(RecDataset data)
    {
        GetOutputSchema(data.Schema);
        var table = data.ItemTable;
        var column = table.Columns.First(c => c.Name == Options.FeaturesColumn);
        var output = !Options.Normalize ? column.Rename(Output) : column switch
        {
            DenseVectorColumn d => new DenseVectorColumn(Output, d.Dimension, NormalizeRows(d.Values.ToArray(), RowBounds(d.Length, d.Dimension))),
            SparseVectorColumn s => new SparseVectorColumn(Output, s.Dimension, s.RowOffsets.ToArray(), s.Indices.ToArray(),
                NormalizeRows(s.Values.ToArray(), s.RowOffsets.ToArray())),
            _ => throw new SchemaMismatchException($"FeatureLookup needs a vector column '{column.Name}', but it is {column.Type}."),
        };
        table = table.WithColumn(output);
        var flagName = ItemFeatureLoader.PresenceColumn(Options.FeaturesColumn);
        if (table.HasColumn(flagName))
            table = table.WithColumn(table.Columns.First(c => c.Name == flagName).Rename(ItemFeatureLoader.PresenceColumn(Output)));
        return data.WithItemTable(table);
    }

    private static int[] RowBounds(int rows, int dim) => Enumerable.Range(0, rows + 1).Select(r => r * dim).ToArray();

    /// <summary>Divides each row <c>values[bounds[r] .. bounds[r+1])</c> by its L2 norm.</summary>
    private static float[] NormalizeRows(float[] values, int[] bounds)
    {
        for (int r = 0; r + 1 < bounds.Length; r++)
        {
            var row = values.AsSpan(bounds[r], bounds[r + 1] - bounds[r]);
            float norm = TensorPrimitives.Norm(row);
            if (norm > 0) TensorPrimitives.Divide(row, norm, row);
        }
        return values;
    }

    public void Save(ModelSaveContext context)
    {
        context.Properties["features_column"] = Options.FeaturesColumn;
        context.Properties["output_column"] = Options.OutputColumn;
        context.Properties["normalize"] = Options.Normalize;
    }

    public static FeatureLookupTransformer Load(ModelLoadContext context) => new(new FeatureLookupOptions
    {
        FeaturesColumn = context.Get<string>("features_column"),
        OutputColumn = context.Properties["output_column"]?.GetValue<string>(),
        Normalize = context.Get<bool>("normalize"),
    });
}

/// <summary>Catalog entry points for <see cref="FeatureLookupEstimator"/>.</summary>
public static class FeatureLookupCatalog
{
    /// <summary>Selects <paramref name="featuresColumn"/> as <paramref name="outputColumn"/>, optionally L2-normalised.</summary>
    public static FeatureLookupEstimator FeatureLookup(this TransformsCatalog catalog, string featuresColumn, string? outputColumn = null, bool normalize = false) =>
        new(catalog.Context, new FeatureLookupOptions { FeaturesColumn = featuresColumn, OutputColumn = outputColumn, Normalize = normalize });

    /// <summary>Feature lookup with an options record.</summary>
    public static FeatureLookupEstimator FeatureLookup(this TransformsCatalog catalog, FeatureLookupOptions options) => new(catalog.Context, options);
}
