using BlairClip.ML.Models;
using BlairClip.ML.Recommenders;
using System.Numerics.Tensors;

namespace BlairClip.ML.Search;

/// <summary>Searches a saved model's catalog with a text, an image or both: the query becomes a vector of each space the
/// model scores items in (<see cref="SearchModality"/>), and items are ranked by the model's weighted sum of cosines —
/// exactly (or through an ANN index, see <see cref="ModelSearch.Index"/>). Which recommenders can take queries is
/// registered per type: TF-IDF/content profiles and embedding models here, the BLaIR-CLIP estimator and the tower
/// encoders by <c>TowerSearch.Register()</c>. Popularity, Random and BPR-MF cannot (they have no item content).</summary>
public sealed class ModelSearch
{
    private static readonly Dictionary<Type, Func<RecommenderTransformer, Core.RecommenderPipelineModel, ItemSide, IReadOnlyList<SearchModality>>> Spaces = new();

    static ModelSearch()
    {
        Register<ContentProfileModel>((m, p, side) => { OwnOnly(side, "a content-profile model"); return [Modality("content", m.Items, 1, p, [m.Options.FeaturesColumn])]; });
        Register<EmbeddingModel>((m, p, side) =>
        {
            OwnOnly(side, "an embedding model");
            var o = m.Options;
            string[][] columns = o.Mode switch
            {
                EmbeddingMode.Text => [[o.TextColumn]],
                EmbeddingMode.Image => [[o.ImageColumn]],
                EmbeddingMode.Combined => [[o.TextColumn, o.ImageColumn]],
                _ => o.Columns.Select(c => new[] { c }).ToArray(),
            };
            return Enumerable.Range(0, m.Modalities).Select(k => Modality(string.Join("+", columns[k]), m.Matrix(k), m.Weight(k), p, columns[k])).ToList();
        });
    }

    /// <summary>Registers the search spaces of recommenders of type <typeparamref name="TModel"/>.</summary>
    /// <param name="spaces">The model's spaces for a choice of item vectors (<see cref="ItemSide.Model"/>: what the model
    /// recommends with); throws <see cref="QueryNotSupportedException"/> for a side the model does not have.</param>
    public static void Register<TModel>(Func<TModel, Core.RecommenderPipelineModel, ItemSide, IReadOnlyList<SearchModality>> spaces) where TModel : RecommenderTransformer
    {
        lock (Spaces) Spaces[typeof(TModel)] = (r, p, side) => spaces((TModel)r, p, side);
    }

    private static void OwnOnly(ItemSide side, string what)
    {
        if (side != ItemSide.Model)
            throw new QueryNotSupportedException($"{what} keeps one set of item vectors; --items {side.ToString().ToLowerInvariant()} needs a model with several (BLaIR-CLIP)");
    }

    /// <summary>A space whose query vector is the normalised sum of the query's vectors in <paramref name="columns"/>
    /// (each from <see cref="QueryEncoders.For"/>).</summary>
    internal static SearchModality Modality(string name, ItemMatrix items, float weight, Core.RecommenderPipelineModel pipeline, string[] columns)
    {
        var encoders = new Dictionary<QueryKind, Func<string, float[]>>();
        var unsupported = new Dictionary<QueryKind, string>();
        foreach (var kind in Enum.GetValues<QueryKind>())
        {
            var found = new List<IQueryEncoder>();
            var why = new List<string>();
            foreach (var c in columns)
                try { found.Add(QueryEncoders.For(pipeline, c, kind)); }
                catch (QueryNotSupportedException e) { why.Add(e.Message); }
            if (found.Count == 0) { unsupported[kind] = string.Join("; ", why); continue; }
            encoders[kind] = input =>
            {
                var sum = new float[items.Dimension];
                foreach (var e in found)
                {
                    var v = e.Encode(input);
                    if (v.Length != sum.Length)
                        throw new InvalidOperationException($"A {kind} query encodes to {v.Length} values, but the model's items have {sum.Length}.");
                    VectorSearch.Normalize(v);
                    TensorPrimitives.Add(sum, v, sum);
                }
                VectorSearch.Normalize(sum);
                return sum;
            };
        }
        return new SearchModality(name, items, weight, encoders, unsupported);
    }

    private ModelSearch(RecommenderModel model, IReadOnlyList<SearchModality> spaces) { Model = model; Modalities = spaces; }

    public RecommenderModel Model { get; }
    public IReadOnlyList<SearchModality> Modalities { get; }

    /// <summary>The first pass's index: exact scoring when null (the default, and always for models with several spaces).</summary>
    public VectorSearchIndex? Index { get; private set; }

    /// <summary>What <see cref="UseIndex"/> did: the index kind, and whether the graph came from the cache file.</summary>
    public string IndexNote { get; private set; } = "exact";

    /// <summary>Ranks the first pass through an index of the model's unit item vectors: under
    /// <see cref="SearchIndexKind.Auto"/> exact below <see cref="SearchIndexOptions.ExactThreshold"/> items and HNSW above.
    /// An HNSW graph is read from <paramref name="cacheFile"/> when it holds one built over these very vectors (its
    /// fingerprint is checked), else built and written there (atomically; a stale or damaged cache of ours is replaced).
    /// Exact and the index give the same results below the threshold; re-ranking always scores exactly.</summary>
    /// <exception cref="QueryNotSupportedException">HNSW asked for on a model scored in several spaces.</exception>
    public ModelSearch UseIndex(SearchIndexOptions options, string? cacheFile = null, TextWriter? log = null)
    {
        options.Validate();
        var used = Modalities.Where(m => m.Weight != 0).ToList();
        if (used.Count != 1)
        {
            if (options.Kind == SearchIndexKind.Hnsw)
                throw new QueryNotSupportedException($"model '{Model.Name}' scores items in {used.Count} spaces; an HNSW index needs one");
            return this;
        }
        var kind = options.Kind == SearchIndexKind.Auto ? Model.Items.Count < options.ExactThreshold ? SearchIndexKind.Exact : SearchIndexKind.Hnsw : options.Kind;
        if (kind == SearchIndexKind.Exact) { Index = null; IndexNote = "exact"; return this; }
        var rows = used[0].UnitRows();
        int n = used[0].Rows, d = used[0].Dimension;
        if (cacheFile is not null && File.Exists(cacheFile))
        {
            try
            {
                using var stream = File.OpenRead(cacheFile);
                Index = HnswIndex.Load(stream, rows, n, d);
                IndexNote = $"hnsw (cached {cacheFile})";
                return this;
            }
            catch (InvalidDataException e) { log?.WriteLine($"search: {cacheFile} is not usable ({e.Message}); building the index again."); }
        }
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var built = HnswIndex.Build(rows, n, d, options.Hnsw);
        Index = built;
        IndexNote = $"hnsw (built in {watch.Elapsed.TotalSeconds:F1} s)";
        if (cacheFile is not null) IO.AtomicFile.Write(cacheFile, built.Save);
        return this;
    }

    /// <summary>The search of <paramref name="model"/>.</summary>
    /// <exception cref="QueryNotSupportedException">The model's recommender takes no queries (says which and why).</exception>
    /// <param name="side">Which item vectors are searched: the model's own (default), or — for models that keep several,
    /// like BLaIR-CLIP — its text, image or combined vectors (text → image retrieval searches <see cref="ItemSide.Image"/>).</param>
    public static ModelSearch For(RecommenderModel model, ItemSide side = ItemSide.Model)
    {
        Func<RecommenderTransformer, Core.RecommenderPipelineModel, ItemSide, IReadOnlyList<SearchModality>>? spaces;
        lock (Spaces) Spaces.TryGetValue(model.Recommender.GetType(), out spaces);
        if (spaces is null)
            throw new QueryNotSupportedException(model.Recommender.GetType().Name is "BlairClipModel"
                ? $"model '{model.Name}' is a BLaIR-CLIP model, but this program registered no search for it (call BlairClip.Towers.Search.TowerSearch.Register())"
                : $"model '{model.Name}' ({model.Recommender.GetType().Name}) ranks items for users from their histories; it has no item content to embed a query into (use a TF-IDF, BLaIR, CLIP or BLaIR-CLIP model)");
        return new ModelSearch(model, spaces(model.Recommender, model.Fitted, side));
    }

    /// <summary>Whether a <paramref name="kind"/> query can be embedded (in at least one scored space), and if not, why.</summary>
    public bool Supports(QueryKind kind, out string? why)
    {
        var used = Modalities.Where(m => m.Weight != 0).ToList();
        if (used.Any(m => m.Encoders.ContainsKey(kind))) { why = null; return true; }
        why = $"model '{Model.Name}' cannot embed {(kind == QueryKind.Image ? "an image" : "a text")} query: " + string.Join("; ", used.Select(m => m.Unsupported[kind]).Distinct());
        return false;
    }

    /// <summary>The query's unit vector in each space (null where a space takes none of its kinds).</summary>
    /// <exception cref="QueryNotSupportedException">A kind of the query cannot be embedded by this model.</exception>
    public float[]?[] Embed(SearchQuery query) => Combine(Encode(query), query.TextWeight);

    /// <summary>Per space, the query's text and image embeddings (each unit length, null where absent): what the
    /// towers and heads compute, once per search — a re-ranking pass only re-weighs them.</summary>
    private (float[]? Text, float[]? Image)[] Encode(SearchQuery query)
    {
        query.Validate();
        foreach (var kind in query.Kinds)
            if (!Supports(kind, out var why)) throw new QueryNotSupportedException(why!);
        return Modalities.Select(space => (
            query.Text is { Length: > 0 } t && space.Encoders.TryGetValue(QueryKind.Text, out var te) ? te(t) : null,
            query.ImagePath is { Length: > 0 } i && space.Encoders.TryGetValue(QueryKind.Image, out var ie) ? ie(i) : null)).ToArray();
    }

    /// <summary>Per space, normalize(w·t + (1 − w)·i) — or the one embedding the query has there.</summary>
    private float[]?[] Combine((float[]? Text, float[]? Image)[] encoded, float textWeight) => encoded.Select((e, m) =>
    {
        if (e.Text is null || e.Image is null) return e.Text ?? e.Image;
        var v = new float[Modalities[m].Dimension];
        TensorPrimitives.Multiply(e.Text, textWeight, v);
        TensorPrimitives.MultiplyAdd(e.Image, 1 - textWeight, v, v);
        VectorSearch.Normalize(v);
        return v;
    }).ToArray();

    /// <summary>Every item's score: Σ over spaces of weight × cosine(query, item).</summary>
    public float[] Scores(SearchQuery query) => Scores(Embed(query));

    private float[] Scores(float[]?[] q)
    {
        var scores = new float[Model.Items.Count];
        var part = new float[scores.Length];
        for (int m = 0; m < Modalities.Count; m++)
        {
            if (q[m] is not { } v || Modalities[m].Weight == 0) continue;
            Modalities[m].Cosines(v, part);
            TensorPrimitives.MultiplyAdd(part, Modalities[m].Weight, scores, scores);
        }
        return scores;
    }

    /// <summary>Scores of <paramref name="items"/> only (the re-ranking pass).</summary>
    private float[] Scores(float[]?[] q, ReadOnlySpan<int> items)
    {
        var scores = new float[items.Length];
        for (int m = 0; m < Modalities.Count; m++)
        {
            if (q[m] is not { } v || Modalities[m].Weight == 0) continue;
            for (int k = 0; k < items.Length; k++) scores[k] += Modalities[m].Weight * Modalities[m].Cosine(items[k], v);
        }
        return scores;
    }

    /// <summary>The top <paramref name="top"/> items (higher score first, ties by catalog order); with
    /// <paramref name="rerank"/>, the first pass's top K re-scored with its text weight.</summary>
    public IReadOnlyList<SearchHitItem> Search(SearchQuery query, int top = 10, Rerank? rerank = null)
    {
        if (top < 1) throw new Core.InvalidOptionException("--top", top, "must be at least 1");
        int depth = rerank is null ? top : Math.Max(top, rerank.Candidates);
        var encoded = Encode(query);
        var q = Combine(encoded, query.TextWeight);
        int[] first;
        float[] firstScores;
        if (Index is { } index)
        {
            int m = Enumerable.Range(0, Modalities.Count).Single(k => Modalities[k].Weight != 0);
            var hits = index.Search(q[m] ?? throw new QueryNotSupportedException($"model '{Model.Name}': the query has no vector in its scored space"), depth);
            first = hits.Select(h => h.Row).ToArray();
            firstScores = hits.Select(h => h.Score * Modalities[m].Weight).ToArray();
        }
        else
        {
            var scores = Scores(q);
            first = Core.TopK.Select(scores, depth);
            firstScores = first.Select(i => scores[i]).ToArray();
        }
        if (rerank is null) return first.Take(top).Select((i, k) => Hit(i, firstScores[k])).ToList();
        var again = Scores(Combine(encoded, rerank.TextWeight), first.AsSpan());
        return Enumerable.Range(0, first.Length).OrderByDescending(k => again[k]).ThenBy(k => first[k]).Take(top)
            .Select(k => Hit(first[k], again[k])).ToList();
    }

    private SearchHitItem Hit(int item, float score) => new(item, Model.Items[item], Model.Titles.Count > item ? Model.Titles[item] : null, score);
}
