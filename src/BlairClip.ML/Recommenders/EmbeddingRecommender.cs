using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using Microsoft.ML;
using BlairClip.ML.Core;
using BlairClip.ML.DataViews;
using BlairClip.ML.Features;
using BlairClip.ML.Models;

namespace BlairClip.ML.Recommenders;

/// <summary>Which item vectors <see cref="EmbeddingRecommender"/> scores with.</summary>
public enum EmbeddingMode
{
    /// <summary>The <c>text_column</c> vectors.</summary>
    Text,
    /// <summary>The <c>image_column</c> vectors.</summary>
    Image,
    /// <summary>Per item, the mean of the L2-normalised text and image vectors, re-normalised. Only meaningful for
    /// towers that embed both into one space (e.g. CLIP); the two columns must have the same dimension.</summary>
    Combined,
    /// <summary>The L2-normalised vectors of <c>columns</c> concatenated, each scaled by <c>sqrt(weight)</c>: the
    /// score is the weighted sum of per-modality cosines. For modalities of different spaces and sizes.</summary>
    Concat,
}

/// <summary>What to do with items whose feature row is missing (presence flag 0, see <see cref="ItemFeatureLoader"/>).</summary>
public enum MissingFeatures
{
    /// <summary>Keep the zero row: the modality contributes 0 to the item's score.</summary>
    Zero,
    /// <summary>Score the item −∞ (never recommended) when any modality it needs is missing.</summary>
    Skip,
}

/// <summary>Options of <see cref="EmbeddingRecommender"/>.</summary>
public sealed record EmbeddingRecommenderOptions
{
    /// <summary>(text | image | combined | concat) Which vectors score items.</summary>
    public EmbeddingMode Mode { get; init; } = EmbeddingMode.Image;
    /// <summary>(string) Text vector column (modes text, combined).</summary>
    public string TextColumn { get; init; } = "Features";
    /// <summary>(string) Image vector column (modes image, combined).</summary>
    public string ImageColumn { get; init; } = "ImageFeatures";
    /// <summary>(list of string) Vector columns, dense or sparse, fused by mode concat.</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];
    /// <summary>(list of float) One non-negative weight per <c>columns</c> entry; empty = all 1.</summary>
    public IReadOnlyList<float> Weights { get; init; } = [];
    /// <summary>(bool) L2-normalise item rows (turn dot products into cosines); false for rows already unit length.
    /// Mode combined normalises regardless: its definition averages unit vectors.</summary>
    public bool Normalize { get; init; } = true;
    /// <summary>(zero | skip) Items without a feature row: keep the zero row, or never recommend them.</summary>
    public MissingFeatures Missing { get; init; } = MissingFeatures.Zero;
}

/// <summary>Embedding recommender: a user vector is the L2-normalised mean of the history items' vectors and every item
/// scores <c>s_j = u · x_j</c> (a cosine when rows are normalised). Nothing is learned from interactions; fitting
/// stores the item matrices. Modes: see <see cref="EmbeddingMode"/>.
/// <para>Concat is scored without building the concatenation. With modality vectors <c>x̂_{m,j}</c> (normalised),
/// weights <c>w_m</c>, the concatenated item is <c>x_j = [√w_m x̂_{m,j}]_m</c> and the mean of the history's
/// concatenations is <c>[√w_m ū_m]_m</c> with <c>ū_m</c> the per-modality mean, so
/// <c>s_j = Σ_m √w_m ū_m · √w_m x̂_{m,j} / ‖u‖ = Σ_m w_m (ū_m · x̂_{m,j}) / ‖u‖</c>, <c>‖u‖² = Σ_m w_m ‖ū_m‖²</c>:
/// one profile product per modality, each with its own kernel (sparse CSR or dense blocked).</para></summary>
[PipelineStep("EmbeddingRecommender", typeof(EmbeddingRecommenderOptions))]
public sealed class EmbeddingRecommender : RecommenderEstimator<EmbeddingModel>
{
    /// <exception cref="InvalidOptionException">Blank column names; <c>columns</c>/<c>weights</c> set outside mode
    /// concat; in concat, no columns, a repeated column, a weights list of another length, or a weight that is negative
    /// or not finite, or all weights zero.</exception>
    public EmbeddingRecommender(BlairClipContext context, EmbeddingRecommenderOptions options, IDataView? items = null) : base(context, items)
    {
        Options = options;
        if (options.Mode == EmbeddingMode.Concat)
        {
            InvalidOptionException.Check(options.Columns.Count > 0, "columns", "[]", "must list at least one vector column for mode concat");
            foreach (var c in options.Columns)
                InvalidOptionException.Check(!string.IsNullOrWhiteSpace(c), "columns", c, "must hold column names");
            InvalidOptionException.Check(options.Columns.Distinct().Count() == options.Columns.Count, "columns", string.Join(", ", options.Columns), "must not repeat a column");
            InvalidOptionException.Check(options.Weights.Count == 0 || options.Weights.Count == options.Columns.Count, "weights",
                $"{options.Weights.Count} values", $"must be empty or have one weight per column ({options.Columns.Count})");
            foreach (var w in options.Weights)
                InvalidOptionException.Check(float.IsFinite(w) && w >= 0, "weights", w, "must hold finite non-negative numbers");
            InvalidOptionException.Check(options.Weights.Count == 0 || options.Weights.Any(w => w > 0), "weights", "all 0", "must have a positive weight");
        }
        else
        {
            InvalidOptionException.Check(options.Columns.Count == 0, "columns", string.Join(", ", options.Columns), $"is only for mode concat (mode is {options.Mode})");
            InvalidOptionException.Check(options.Weights.Count == 0, "weights", $"{options.Weights.Count} values", $"is only for mode concat (mode is {options.Mode})");
            if (options.Mode != EmbeddingMode.Image)
                InvalidOptionException.Check(!string.IsNullOrWhiteSpace(options.TextColumn), "text_column", options.TextColumn, "must name a column");
            if (options.Mode != EmbeddingMode.Text)
                InvalidOptionException.Check(!string.IsNullOrWhiteSpace(options.ImageColumn), "image_column", options.ImageColumn, "must name a column");
        }
    }

    public EmbeddingRecommenderOptions Options { get; }

    public override IRecommenderEstimator ForItems(IDataView items) => new EmbeddingRecommender(Context, Options, items);

    /// <summary>The item columns the mode reads, in order.</summary>
    public IReadOnlyList<string> InputColumns => Options.Mode switch
    {
        EmbeddingMode.Text => [Options.TextColumn],
        EmbeddingMode.Image => [Options.ImageColumn],
        EmbeddingMode.Combined => [Options.TextColumn, Options.ImageColumn],
        _ => Options.Columns,
    };

    protected override IReadOnlyList<string> ItemColumnsRead => InputColumns;

    /// <exception cref="SchemaMismatchException">A column is missing or not a vector; in mode combined, the text and
    /// image columns have different dimensions.</exception>
    protected override EmbeddingModel Fit(Interactions events, UserHistories histories, int items)
    {
        var table = RequireItems(items);
        var names = InputColumns;
        var matrices = names.Select(n => DataViewColumns.Vectors(table, n, nameof(EmbeddingRecommender))).ToArray();
        if (Options.Mode == EmbeddingMode.Combined && matrices[0].Dimension != matrices[1].Dimension)
            throw new SchemaMismatchException(
                $"{nameof(EmbeddingRecommender)} mode combined averages text and image vectors of one shared space, but text_column '{names[0]}' has dimension {matrices[0].Dimension} and image_column '{names[1]}' has {matrices[1].Dimension}; use mode concat for modalities of different spaces.");
        if (Options.Normalize || Options.Mode == EmbeddingMode.Combined)
            foreach (var m in matrices) m.NormalizeRows();
        float[] weights = Options.Mode == EmbeddingMode.Concat && Options.Weights.Count > 0 ? [.. Options.Weights] : [.. names.Select(_ => 1f)];
        if (Options.Mode == EmbeddingMode.Combined)
        {
            var sum = matrices[0].ToDense();
            TensorPrimitives.Add(sum, matrices[1].ToDense(), sum);
            var combined = ItemMatrix.FromDense(matrices[0].Dimension, sum);
            combined.NormalizeRows();
            matrices = [combined];
            weights = [1f];
        }

        var skipped = new List<int>();
        if (Options.Missing == MissingFeatures.Skip)
        {
            var flags = names.Select(n => ItemFeatureLoader.PresenceColumn(n))
                .Where(f => table.Schema.GetColumnOrNull(f) is not null).Select(f => DataViewColumns.Int32(table, f, nameof(EmbeddingRecommender))).ToList();
            for (int j = 0; j < items; j++)
                if (flags.Any(f => f[j] == 0)) skipped.Add(j);
        }
        return new EmbeddingModel(Options, matrices, weights, skipped.ToArray());
    }
}

/// <summary>Fitted <see cref="EmbeddingRecommender"/>: one item matrix per modality (<c>[items, dim_m]</c>, dense or
/// CSR, rows already normalised), the modality weights, and the items never recommended.
/// <para>Entry layout v1: properties <c>mode</c>, <c>text_column</c>, <c>image_column</c>, <c>columns</c> (array),
/// <c>weights</c> (array, as given), <c>normalize</c>, <c>missing</c>, <c>modalities</c> (count),
/// <c>modality_weights</c> (array, applied), <c>skipped_items</c> (count), and per modality k the
/// <see cref="ItemMatrix"/> layout under the prefix <c>mK.</c> (<c>m0.layout</c>, tensor <c>m0.items</c> …); tensor
/// <c>skipped</c> I32 [skipped_items] when that is positive.</para></summary>
[ModelEntry("EmbeddingRecommender", 1)]
public sealed class EmbeddingModel : RecommenderTransformer
{
    private readonly ItemMatrix[] _matrices;
    private readonly float[] _weights;
    private readonly int[] _skipped;

    internal EmbeddingModel(EmbeddingRecommenderOptions options, ItemMatrix[] matrices, float[] weights, int[] skipped)
    {
        if (matrices.Length == 0 || matrices.Length != weights.Length || matrices.Any(m => m.Rows != matrices[0].Rows))
            throw new ArgumentException("Embedding model needs one weight per modality and the same item count in every modality.");
        Options = options; _matrices = matrices; _weights = weights; _skipped = skipped;
    }

    public EmbeddingRecommenderOptions Options { get; }
    public override int ItemCount => _matrices[0].Rows;
    /// <summary>Number of item matrices scored (1 except in mode concat).</summary>
    public int Modalities => _matrices.Length;

    /// <summary>The item vectors of modality <paramref name="k"/>.</summary>
    internal ItemMatrix Matrix(int k) => _matrices[k];
    /// <summary>The weight of modality <paramref name="k"/> in the score.</summary>
    public float Weight(int k) => _weights[k];
    /// <summary>Item indices scored −∞ (<c>missing: skip</c>).</summary>
    public ReadOnlySpan<int> SkippedItems => _skipped;

    /// <summary>Scores <c>[queries.Length, ItemCount]</c>: <c>s[q, j] = Σ_m w_m (ū_{q,m} · x_{m,j}) / ‖u_q‖</c> with
    /// <c>ū_{q,m}</c> the mean of modality m's rows over <c>queries[q].History</c> and <c>‖u_q‖² = Σ_m w_m ‖ū_{q,m}‖²</c>
    /// (for one modality: the cosine of the mean profile with each item). An empty history scores all zeros; skipped
    /// items score −∞. A user's scores do not depend on the other queries in the batch.</summary>
    /// <exception cref="ArgumentException"><paramref name="scores"/> has the wrong length, or a history item is not a
    /// catalog index.</exception>
    public override void Score(ReadOnlySpan<UserQuery> queries, Span<float> scores)
    {
        int n = ItemCount, nq = queries.Length;
        if (scores.Length != (long)nq * n)
            throw new ArgumentException($"scores has {scores.Length} values, expected {nq} queries × {n} items.", nameof(scores));
        var profiles = Profiles(queries);
        scores.Clear();
        float[]? part = null;
        bool first = true;
        for (int m = 0; m < _matrices.Length; m++)
        {
            if (_weights[m] == 0) continue;
            if (first) { _matrices[m].MultiplyRows(profiles[m], nq, scores); first = false; continue; }
            part ??= new float[scores.Length];
            _matrices[m].MultiplyRows(profiles[m], nq, part);
            TensorPrimitives.Add(scores, part, scores);
        }
        if (_skipped.Length > 0)
            for (int q = 0; q < nq; q++)
            {
                var row = scores.Slice(q * n, n);
                foreach (int j in _skipped) row[j] = float.NegativeInfinity;
            }
    }

    /// <summary>With one scored modality: counts in its kernel. Skipped items (scored −∞) are counted as scored, then taken
    /// back out; a target that is itself skipped scores −∞ and the evaluator ranks it from its row.</summary>
    public override bool TryCountRanks(ReadOnlySpan<UserQuery> queries, ReadOnlySpan<int> targets, Span<float> targetScores, Span<int> higher, Span<int> equal)
    {
        int used = -1;
        for (int m = 0; m < _matrices.Length; m++)
            if (_weights[m] != 0) { if (used >= 0) return false; used = m; }
        if (used < 0) return false;
        if (queries.IsEmpty) return true;
        var profiles = Profiles(queries)[used];
        var matrix = _matrices[used];
        matrix.CountRanks(profiles, queries.Length, targets, null, targetScores, higher, equal);
        if (_skipped.Length == 0) return true;
        var skipped = new HashSet<int>(_skipped);
        for (int q = 0; q < queries.Length; q++)
        {
            if (skipped.Contains(targets[q])) { targetScores[q] = float.NegativeInfinity; continue; }
            if (higher[q] < 0) continue;  // not counted: ranked from its row
            var p = profiles.AsSpan(q * matrix.Dimension, matrix.Dimension);
            foreach (int j in skipped)
            {
                float s = matrix.Score(j, p);
                if (s > targetScores[q]) higher[q]--;
                else if (s == targetScores[q]) equal[q]--;
            }
        }
        return true;
    }

    public override void ScoreItems(UserQuery query, ReadOnlySpan<int> items, Span<float> scores)
    {
        var profiles = Profiles([query]);
        for (int k = 0; k < items.Length; k++)
        {
            float s = 0;
            bool first = true;
            for (int m = 0; m < _matrices.Length; m++)
            {
                if (_weights[m] == 0) continue;
                float part = _matrices[m].Score(items[k], profiles[m]);
                s = first ? part : s + part;
                first = false;
            }
            scores[k] = _skipped.Contains(items[k]) ? float.NegativeInfinity : s;
        }
    }

    /// <summary>The per-modality profiles <see cref="Score"/> multiplies (already scaled by <c>w_m / ‖u_q‖</c>):
    /// <c>profiles[m]</c> is <c>[queries.Length, dim_m]</c>.</summary>
    private float[][] Profiles(ReadOnlySpan<UserQuery> queries)
    {
        var profiles = new float[_matrices.Length][];
        for (int m = 0; m < _matrices.Length; m++) profiles[m] = _matrices[m].MeanProfiles(queries);
        for (int q = 0; q < queries.Length; q++)
        {
            double norm2 = 0;
            for (int m = 0; m < _matrices.Length; m++)
            {
                float pn = TensorPrimitives.Norm(Profile(profiles, m, q));
                norm2 += _weights[m] * (double)pn * pn;
            }
            float inv = norm2 > 0 ? (float)(1 / Math.Sqrt(norm2)) : 0f;
            for (int m = 0; m < _matrices.Length; m++)
            {
                var p = Profile(profiles, m, q);
                TensorPrimitives.Multiply(p, _weights[m] * inv, p);
            }
        }
        return profiles;
    }

    /// <summary>One part per modality of non-zero weight (users' scaled profiles, that modality's items); skipped items
    /// get a bias of −∞.</summary>
    internal override FactoredScores Factor(UserHistories histories)
    {
        // All modalities' profiles in one pass (a query's profiles are computed together: the norm couples them).
        var used = Enumerable.Range(0, _matrices.Length).Where(m => _weights[m] != 0).ToArray();
        var users = FactoredScores.Profiles(histories, used.Select(m => (_matrices[m].Dimension, !_matrices[m].IsDense)).ToArray(),
            q => { var all = Profiles(q); return used.Select(m => all[m]).ToArray(); });
        var parts = used.Select((m, k) => new FactoredPart(users[k], _matrices[m])).ToList();
        float[]? bias = null;
        if (_skipped.Length > 0)
        {
            bias = new float[ItemCount];
            foreach (int j in _skipped) bias[j] = float.NegativeInfinity;
        }
        return new FactoredScores(parts, bias);
    }

    private Span<float> Profile(float[][] profiles, int m, int q) =>
        profiles[m].AsSpan(q * _matrices[m].Dimension, _matrices[m].Dimension);

    public override void SaveEntry(EntryWriter context)
    {
        var p = context.Properties;
        p["mode"] = Options.Mode.ToString().ToLowerInvariant();
        p["text_column"] = Options.TextColumn;
        p["image_column"] = Options.ImageColumn;
        p["columns"] = new JsonArray(Options.Columns.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray());
        p["weights"] = new JsonArray(Options.Weights.Select(w => (JsonNode)JsonValue.Create(w)).ToArray());
        p["normalize"] = Options.Normalize;
        p["missing"] = Options.Missing.ToString().ToLowerInvariant();
        p["modalities"] = _matrices.Length;
        p["modality_weights"] = new JsonArray(_weights.Select(w => (JsonNode)JsonValue.Create(w)).ToArray());
        p["skipped_items"] = _skipped.Length;
        for (int m = 0; m < _matrices.Length; m++) _matrices[m].Save(context, $"m{m}.");
        if (_skipped.Length > 0) context.Tensors.Add<int>("skipped", _skipped, _skipped.Length);
    }

    /// <exception cref="InvalidDataException">A missing or malformed property or tensor; names the entry.</exception>
    public static EmbeddingModel LoadEntry(EntryReader context)
    {
        var options = new EmbeddingRecommenderOptions
        {
            Mode = Enum.Parse<EmbeddingMode>(context.Get<string>("mode"), ignoreCase: true),
            TextColumn = context.Get<string>("text_column"),
            ImageColumn = context.Get<string>("image_column"),
            Columns = Array(context, "columns").Select(n => n!.GetValue<string>()).ToArray(),
            Weights = Array(context, "weights").Select(n => n!.GetValue<float>()).ToArray(),
            Normalize = context.Get<bool>("normalize"),
            Missing = Enum.Parse<MissingFeatures>(context.Get<string>("missing"), ignoreCase: true),
        };
        int modalities = context.Get<int>("modalities");
        var weights = Array(context, "modality_weights").Select(n => n!.GetValue<float>()).ToArray();
        if (modalities <= 0 || weights.Length != modalities)
            throw new InvalidDataException($"{context.Entry}: 'modality_weights' has {weights.Length} values for {modalities} modalities.");
        var matrices = Enumerable.Range(0, modalities).Select(m => ItemMatrix.Load(context, $"m{m}.")).ToArray();
        int skippedCount = context.Get<int>("skipped_items");
        var skipped = skippedCount > 0 ? context.Tensors.Get<int>("skipped") : [];
        if (skipped.Length != skippedCount || skipped.Any(j => (uint)j >= (uint)matrices[0].Rows))
            throw new InvalidDataException($"{context.Entry}: tensor 'skipped' must hold {skippedCount} item indices below {matrices[0].Rows}.");
        if (matrices.Any(m => m.Rows != matrices[0].Rows))
            throw new InvalidDataException($"{context.Entry}: modalities have different item counts ({string.Join(", ", matrices.Select(m => m.Rows))}).");
        return new EmbeddingModel(options, matrices, weights, skipped);
    }

    private static JsonArray Array(EntryReader context, string name) =>
        context.Properties[name] as JsonArray ?? throw new InvalidDataException($"{context.Entry}: missing array property '{name}'.");
}

/// <summary>Catalog entry points for <see cref="EmbeddingRecommender"/>.</summary>
public static class EmbeddingRecommenderCatalog
{
    /// <summary>Cosine of the mean history embedding with every item (modes text, image, combined, concat).</summary>
    /// <param name="items">The item table the vectors are read from (null: given by the pipeline it is the last step of).</param>
    public static EmbeddingRecommender Embedding(this RecommendersCatalog catalog, EmbeddingRecommenderOptions? options = null, IDataView? items = null) =>
        new(catalog.Context, options ?? new EmbeddingRecommenderOptions(), items);
}
