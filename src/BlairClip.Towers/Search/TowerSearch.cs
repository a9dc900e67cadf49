using BlairClip.ML.Search;
using BlairClip.Towers.DualEncoder;
using BlairClip.Towers.Encoding;

namespace BlairClip.Towers.Search;

/// <summary>Registers, with <see cref="ModelSearch"/> and <see cref="QueryEncoders"/>, how queries reach what the tower
/// project makes: tower embedding columns (through their checkpoint, <see cref="TowerQueryEncoder"/>) and the BLaIR-CLIP
/// estimator's heads. Called explicitly by the programs that search (the command line, the server).</summary>
public static class TowerSearch
{
    private static int _registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        QueryEncoders.Register<TowerEmbeddings>((t, column) => t.OutputColumn == column, (t, kind) => TowerQueryEncoder.For(t, kind));
        ModelSearch.Register<BlairClipModel>((m, pipeline, side) => [Space(m, pipeline, side)]);
    }

    /// <summary>BLaIR-CLIP's projected space: a text query is the item text column's vector of the query (normalised like
    /// the item rows at fit), through the text head; an image query the image column's through the visual head; both are
    /// normalised, as the item vectors are.</summary>
    private static SearchModality Space(BlairClipModel m, ML.Core.RecommenderPipelineModel pipeline, ItemSide side)
    {
        var mode = side switch
        {
            ItemSide.Model => m.Mode,
            ItemSide.Text => DualEncoderMode.Text,
            ItemSide.Image => DualEncoderMode.Image,
            _ => DualEncoderMode.Combined,
        };
        float[] items;
        try { items = m.ItemVectors(mode); }
        catch (KeyNotFoundException e) { throw new QueryNotSupportedException(e.Message); }
        var encoders = new Dictionary<QueryKind, Func<string, float[]>>();
        var unsupported = new Dictionary<QueryKind, string>();
        Add(QueryKind.Text, m.TextColumn, m.TextProjection.ToArray(), m.TextDim,
            m.TextTower is not null ? "its text tower was fine-tuned inside the model; searching with it is not supported yet"
            : m.TrainedWeights?.Keys.Any(k => k.StartsWith("heads.text_mlp.", StringComparison.Ordinal)) == true ? "its text MLP head is not supported by search yet" : null);
        Add(QueryKind.Image, m.ImageColumn, m.VisualProjection.ToArray(), m.ImageDim,
            m.ImageTower is not null ? "its vision tower was fine-tuned inside the model; searching with it is not supported yet"
            : m.ImageDim == 0 ? "it has no image modality" : null);
        return SearchModality.Dense("blair_clip_" + mode.ToString().ToLowerInvariant(), items, m.ProjectionDim, 1, encoders, unsupported);

        void Add(QueryKind kind, string? column, float[] projection, int inputDim, string? blocked)
        {
            string what = $"model '{pipeline.Recommender.GetType().Name}'";
            if (blocked is not null) { unsupported[kind] = $"BLaIR-CLIP: {blocked}"; return; }
            if (column is null) { unsupported[kind] = "BLaIR-CLIP: the model was saved without its input column names (re-run the study to search it)"; return; }
            IQueryEncoder encoder;
            try { encoder = QueryEncoders.For(pipeline, column, kind); }
            catch (QueryNotSupportedException e) { unsupported[kind] = $"BLaIR-CLIP: {e.Message}"; return; }
            encoders[kind] = input =>
            {
                var x = encoder.Encode(input);
                if (x.Length != inputDim) throw new InvalidOperationException($"{what}: a {kind} query encodes to {x.Length} values, but the head takes {inputDim}.");
                VectorSearch.Normalize(x);
                int d = projection.Length / inputDim;
                var y = new float[d];
                for (int r = 0; r < d; r++) y[r] = System.Numerics.Tensors.TensorPrimitives.Dot(projection.AsSpan(r * inputDim, inputDim), x);
                VectorSearch.Normalize(y);
                return y;
            };
        }
    }
}
