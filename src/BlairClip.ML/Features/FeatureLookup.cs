using Microsoft.ML;
using Microsoft.ML.Data;
using BlairClip.ML.Core;
using BlairClip.ML.DataViews;
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

    /// <exception cref="SchemaMismatchException">No vector column <c>features_column</c>.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var column = DataViewColumns.Require(inputSchema, Options.FeaturesColumn, "FeatureLookup", ColumnKind.Vector);
        var output = Options.OutputColumn ?? Options.FeaturesColumn;
        var added = new List<(string, DataViewType)> { (output, new VectorDataViewType(NumberDataViewType.Single, 1)) };
        if (DataViewColumns.Find(inputSchema, ItemFeatureLoader.PresenceColumn(Options.FeaturesColumn)) is not null)
            added.Add((ItemFeatureLoader.PresenceColumn(output), NumberDataViewType.Int32));
        _ = column;
        return SchemaShapes.With(inputSchema, [.. added]);
    }

    public FeatureLookupTransformer Fit(IDataView input)
    {
        DataViewColumns.Require(input.Schema, Options.FeaturesColumn, "FeatureLookup", ColumnKind.Vector);
        return new FeatureLookupTransformer(Options);
    }
}

/// <summary>Fitted <see cref="FeatureLookupEstimator"/> (stateless). Entry layout v1: properties
/// <c>features_column</c>, <c>output_column</c> (string or null), <c>normalize</c>; no tensors.</summary>
[ModelEntry("FeatureLookup", 1)]
public sealed class FeatureLookupTransformer : ItemTransformer
{
    internal FeatureLookupTransformer(FeatureLookupOptions options) => Options = options;

    public FeatureLookupOptions Options { get; }
    private string Output => Options.OutputColumn ?? Options.FeaturesColumn;

    private string Flag => ItemFeatureLoader.PresenceColumn(Options.FeaturesColumn);

    /// <exception cref="SchemaMismatchException">No vector column <c>features_column</c>.</exception>
    protected override (string Name, DataViewType Type)[] AddedColumns(DataViewSchema input)
    {
        var column = DataViewColumns.Require(input, Options.FeaturesColumn, "FeatureLookup", ColumnKind.Vector);
        return input.GetColumnOrNull(Flag) is { } flag
            ? [(Output, column.Type), (ItemFeatureLoader.PresenceColumn(Output), flag.Type)]
            : [(Output, column.Type)];
    }

    /// <summary>Adds column <c>output_column</c> <c>[items, dim]</c> (and its presence flag) to the item table.</summary>
    protected override ColumnarDataView Append(ColumnarDataView input)
    {
        var matrix = DataViewColumns.Vectors(input, Options.FeaturesColumn, "FeatureLookup");
        if (Options.Normalize) matrix.NormalizeRows();
        var table = matrix.AddTo(input, Output);
        if (input.Schema.GetColumnOrNull(Flag) is not null)
            table = table.AddInt32(ItemFeatureLoader.PresenceColumn(Output), DataViewColumns.Int32(input, Flag, "FeatureLookup"));
        return table;
    }

    public override void SaveEntry(EntryWriter context)
    {
        context.Properties["features_column"] = Options.FeaturesColumn;
        context.Properties["output_column"] = Options.OutputColumn;
        context.Properties["normalize"] = Options.Normalize;
    }

    public static FeatureLookupTransformer LoadEntry(EntryReader context) => new(new FeatureLookupOptions
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
    public static FeatureLookupEstimator FeatureLookup(this ItemTransformsCatalog catalog, string featuresColumn, string? outputColumn = null, bool normalize = false) =>
        new(catalog.Context, new FeatureLookupOptions { FeaturesColumn = featuresColumn, OutputColumn = outputColumn, Normalize = normalize });

    /// <summary>Feature lookup with an options record.</summary>
    public static FeatureLookupEstimator FeatureLookup(this ItemTransformsCatalog catalog, FeatureLookupOptions options) => new(catalog.Context, options);
}
