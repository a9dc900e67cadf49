using BlairClip.ML.Core;
using BlairClip.ML.Data;
using BlairClip.ML.DataViews;
using Microsoft.ML;

namespace BlairClip.ML.Search;

/// <summary>Finds how a query becomes a vector of an item column: the item step that wrote the column, run on a one-row
/// item table whose <c>Text</c> and <c>Title</c> are the query (TF-IDF, ML.NET's text transforms), or — for steps that
/// look items up by id instead of computing from their content (precomputed features, tower embeddings) — the encoder
/// registered for that step type (the tower projects register theirs: <c>TowerSearch.Register()</c>).</summary>
public static class QueryEncoders
{
    private sealed record Handler(Func<ITransformer, string, bool> Produces, Func<ITransformer, QueryKind, IQueryEncoder> Create);

    private static readonly Dictionary<Type, Handler> Handlers = new();

    static QueryEncoders()
    {
        Register<Features.FeatureLookupTransformer>((t, column) => (t.Options.OutputColumn ?? t.Options.FeaturesColumn) == column,
            (t, _) => throw new QueryNotSupportedException(
                $"the item column '{t.Options.OutputColumn ?? t.Options.FeaturesColumn}' holds precomputed features from the data (data.item_features '{t.Options.FeaturesColumn}'); a query cannot be turned into them"));
    }

    /// <summary>Registers how a query reaches the column a step of type <typeparamref name="TStep"/> writes.</summary>
    /// <param name="produces">Whether the step writes the given column.</param>
    /// <param name="create">The encoder for a query kind; throws <see cref="QueryNotSupportedException"/> when it has none.</param>
    public static void Register<TStep>(Func<TStep, string, bool> produces, Func<TStep, QueryKind, IQueryEncoder> create) where TStep : ITransformer
    {
        lock (Handlers) Handlers[typeof(TStep)] = new Handler((t, c) => produces((TStep)t, c), (t, k) => create((TStep)t, k));
    }

    private static Handler? HandlerOf(ITransformer t) { lock (Handlers) return Handlers.GetValueOrDefault(t.GetType()); }

    /// <summary>The one-row item table of a query: <c>ItemId</c> "query", <c>Title</c> and <c>Text</c> the text, <c>ImagePath</c> the image.</summary>
    public static ColumnarDataView QueryItem(string? text, string? imagePath) => ColumnarDataView.Create(1)
        .AddText(ItemColumns.ItemId, ["query"]).AddText(ItemColumns.Title, [text ?? ""]).AddText(ItemColumns.Text, [text ?? ""])
        .AddText(ItemColumns.ImagePath, [imagePath ?? ""]);

    /// <summary>The encoder of <paramref name="kind"/> queries into <paramref name="column"/>.</summary>
    /// <exception cref="QueryNotSupportedException">No step can embed such a query into the column; the message says why.</exception>
    public static IQueryEncoder For(RecommenderPipelineModel pipeline, string column, QueryKind kind)
    {
        var schema = QueryItem("", "").Schema;
        var chain = new List<ITransformer>();
        foreach (var step in pipeline.ItemSteps)
        {
            var t = step.Transformer;
            if (HandlerOf(t) is { } handler)
            {
                if (handler.Produces(t, column)) return handler.Create(t, kind);
                continue; // an id lookup: it cannot run on a query row, and its columns are not this one's
            }
            DataViewSchema next;
            try { next = t.GetOutputSchema(schema); }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                continue; // it needs columns a query row does not have; fine unless the column depends on it
            }
            chain.Add(t);
            schema = next;
            if (schema.GetColumnOrNull(column) is not null)
                return kind == QueryKind.Text
                    ? new TextThroughSteps(chain.ToArray(), column)
                    : throw new QueryNotSupportedException($"the item column '{column}' is computed from item text ({t.GetType().Name}); an image query cannot be embedded in it");
        }
        throw new QueryNotSupportedException($"no item step of this model computes the item column '{column}' from a query's text or image (it comes with the data, or from a step that cannot take a query)");
    }

    /// <summary>A text query through the item steps that compute the column (e.g. TF-IDF), as an item whose text it is.</summary>
    private sealed class TextThroughSteps(ITransformer[] steps, string column) : IQueryEncoder
    {
        public float[] Encode(string input)
        {
            IDataView view = QueryItem(input, null);
            foreach (var t in steps) view = t.Transform(view);
            return DataViewColumns.Vectors(view, column, "search").ToDense();
        }

        public void Dispose() { }
    }
}
