using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Microsoft.ML;
using BlairClip.ML.Core;
using BlairClip.ML.Models;

namespace BlairClip.ML.Recommenders;

/// <summary>How BPR's SGD runs on several threads.</summary>
public enum BprSchedule
{
    /// <summary>Deterministic whatever the thread count: samples are taken in mini-batches of 1,024; each sample's
    /// gradient is computed on all cores from the factors as they stood at the batch's start, and the updates are then
    /// applied in sample order. Draw s of an epoch (its positive and its negatives) is a fixed function of (seed, epoch,
    /// s), so the threads only share out the work.</summary>
    Deterministic,
    /// <summary>Lock-free updates on all threads at once (Niu et al., 2011): reproducible only with one thread.</summary>
    Hogwild,
}

/// <summary>Options of <see cref="BprMatrixFactorization"/>.</summary>
public sealed record BprOptions
{
    /// <summary>(int) Latent factors per user and item.</summary>
    public int Factors { get; init; } = 64;
    /// <summary>(int) Passes; each pass draws as many (user, positive, negative) triples as there are training interactions.</summary>
    public int Epochs { get; init; } = 30;
    /// <summary>(float) SGD step size.</summary>
    public float LearningRate { get; init; } = 0.05f;
    /// <summary>(float) L2 penalty on user and item factors.</summary>
    public float Regularization { get; init; } = 0.01f;
    /// <summary>(float) L2 penalty on item biases.</summary>
    public float BiasRegularization { get; init; } = 0.01f;
    /// <summary>(float) Standard deviation of the normal initialisation of the factors.</summary>
    public float InitStd { get; init; } = 0.1f;
    /// <summary>(int) Worker threads; 0 = all cores.</summary>
    public int Threads { get; init; } = 0;
    /// <summary>(deterministic | hogwild) How the threads share the work: deterministic mini-batches give the same factors
    /// for a seed whatever <c>threads</c>; hogwild is reproducible only with <c>threads: 1</c>.</summary>
    public BprSchedule Schedule { get; init; } = BprSchedule.Deterministic;
    /// <summary>(int?) Seed of this model's random streams; null = derived from the study seed.</summary>
    public int? Seed { get; init; }
}

/// <summary>Bayesian Personalized Ranking matrix factorization (Rendle et al., 2009):
/// score(u, i) = b_i + p_u · q_i, trained by SGD on −ln σ(x_ui − x_uj) + L2.
/// Positives are drawn uniformly over training <em>interactions</em> (so active users weigh by their activity — the seed
/// study drew one sample per user per epoch and scored below random); negatives uniformly over all items, redrawn while
/// in the user's history. Threads share the work by deterministic mini-batches (<see cref="BprSchedule.Deterministic"/>)
/// or lock-free (<see cref="BprSchedule.Hogwild"/>).</summary>
[PipelineStep("BprMatrixFactorization", typeof(BprOptions))]
public sealed class BprMatrixFactorization : RecommenderEstimator<BprModel>
{
    private readonly BlairClipContext _context;

    public BprMatrixFactorization(BlairClipContext context, BprOptions options, IDataView? items = null) : base(context, items)
    {
        InvalidOptionException.Check(options.Factors > 0, "factors", options.Factors, "must be positive");
        InvalidOptionException.Check(options.Epochs >= 0, "epochs", options.Epochs, "must be zero or more");
        InvalidOptionException.Check(options.LearningRate > 0 && float.IsFinite(options.LearningRate), "learning_rate", options.LearningRate, "must be a positive number");
        InvalidOptionException.Check(options.Regularization >= 0, "regularization", options.Regularization, "must be zero or more");
        InvalidOptionException.Check(options.BiasRegularization >= 0, "bias_regularization", options.BiasRegularization, "must be zero or more");
        InvalidOptionException.Check(options.InitStd >= 0, "init_std", options.InitStd, "must be zero or more");
        InvalidOptionException.Check(options.Threads >= 0, "threads", options.Threads, "must be zero (all cores) or more");
        _context = context;
        Options = options;
    }

    public BprOptions Options { get; }

    public override IRecommenderEstimator ForItems(IDataView items) => new BprMatrixFactorization(_context, Options, items);

    protected override BprModel Fit(Interactions train, UserHistories histories, int items)
    {
        int k = Options.Factors, users = histories.UserCount;
        int seed = Options.Seed ?? _context.DeriveSeed("bpr");
        var init = new Random(seed);
        // Every element is written by FillNormal; huge pages because SGD indexes the factors at random.
        var p = HugePages.Allocate<float>(users * k);
        var q = HugePages.Allocate<float>(items * k);
        var bias = new float[items];
        int samples = train.Count;
        int threads = Options.Threads == 0 ? Environment.ProcessorCount : Options.Threads;
        FillNormal(init, p, Options.InitStd, threads);
        FillNormal(init, q, Options.InitStd, threads);
        if (samples == 0 || items < 2) return new BprModel(k, p, q, bias);

        using var progress = _context.Progress.Start("BPR epochs", Options.Epochs);
        if (Options.Schedule == BprSchedule.Deterministic)
        {
            new BprMiniBatches(Options, train, histories, items, seed, threads).Train(p, q, bias, progress);
            return new BprModel(k, p, q, bias);
        }
        for (int epoch = 0; epoch < Options.Epochs; epoch++)
        {
            int e = epoch;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                var rng = new Random(StreamSeed(seed, e, t));
                int share = samples / threads + (t < samples % threads ? 1 : 0);
                var grad = new float[k];
                for (int s = 0; s < share; s++)
                {
                    int row = rng.Next(samples);
                    int u = train.User[row], i = train.Item[row];
                    var seen = histories[u];
                    if (seen.Length >= items) continue;
                    int j;
                    do j = rng.Next(items); while (seen.BinarySearch(j) >= 0);
                    Step(p.AsSpan(u * k, k), q.AsSpan(i * k, k), q.AsSpan(j * k, k), ref bias[i], ref bias[j], grad);
                }
            });
            progress.Advance();
        }
        return new BprModel(k, p, q, bias);
    }

    /// <summary>One SGD step on −ln σ(x_ui − x_uj): with g = σ(−(x_ui − x_uj)),
    /// p_u += η(g(q_i − q_j) − λp_u), q_i += η(g p_u − λq_i), q_j += η(−g p_u − λq_j), b_i += η(g − λ_b b_i), b_j += η(−g − λ_b b_j).</summary>
    private void Step(Span<float> pu, Span<float> qi, Span<float> qj, ref float bi, ref float bj, Span<float> diff)
    {
        float lr = Options.LearningRate, reg = Options.Regularization, regB = Options.BiasRegularization;
        TensorPrimitives.Subtract(qi, qj, diff);
        float x = bi - bj + TensorPrimitives.Dot(pu, diff);
        float g = 1f / (1f + MathF.Exp(x));
        for (int f = 0; f < pu.Length; f++)
        {
            float uf = pu[f];
            pu[f] += lr * (g * diff[f] - reg * uf);
            qi[f] += lr * (g * uf - reg * qi[f]);
            qj[f] += lr * (-g * uf - reg * qj[f]);
        }
        bi += lr * (g - regB * bi);
        bj += lr * (-g - regB * bj);
    }

    /// <summary>A seed for (study seed, epoch, thread) that is the same in every process (<see cref="SplitMix64"/>).</summary>
    internal static int StreamSeed(int seed, int epoch, int thread) =>
        (int)(SplitMix64.Finalize((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)epoch << 32 ^ (uint)thread) & int.MaxValue);

    /// <summary>Normal(0, std) values by Box–Muller (one value per pair of uniforms; 1 − U avoids log(0)). The uniforms come
    /// from <paramref name="rng"/> in order, a block at a time on this thread; the logs, roots and cosines — most of the
    /// work at 120 M values — are spread over <paramref name="threads"/>, so the values are the same whatever the
    /// thread count.</summary>
    private static void FillNormal(Random rng, float[] values, float std, int threads)
    {
        const int Block = 1 << 16;
        var uniforms = new double[2 * Math.Min(Block, values.Length)];
        int parts = Math.Max(1, threads);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = parts };
        for (int start = 0; start < values.Length; start += Block)
        {
            int count = Math.Min(Block, values.Length - start);
            for (int i = 0; i < count; i++)
            {
                uniforms[2 * i] = 1.0 - rng.NextDouble();
                uniforms[2 * i + 1] = rng.NextDouble();
            }
            if (parts == 1 || count < 4096) Transform(0, count);
            else Parallel.For(0, parts, parallel, t => Transform(count * t / parts, count * (t + 1) / parts));

            void Transform(int from, int to)
            {
                for (int i = from; i < to; i++)
                    values[start + i] = (float)(std * Math.Sqrt(-2.0 * Math.Log(uniforms[2 * i])) * Math.Cos(2 * Math.PI * uniforms[2 * i + 1]));
            }
        }
    }
}

/// <summary>Fitted BPR factors. score(u, i) = b_i + p_u · q_i. A user not seen in training (index −1) is folded in
/// as the mean of its history items' factors (an approximation; an empty history scores by item bias alone).
/// Entry layout v1: tensors <c>user_factors</c> F32 [users, k], <c>item_factors</c> F32 [items, k], <c>item_bias</c> F32 [items].</summary>
[ModelEntry("BprMatrixFactorization", 1)]
public sealed class BprModel : RecommenderTransformer
{
    private readonly int _k;
    private readonly float[] _p, _q, _bias;
    private readonly ItemMatrix _items;

    internal BprModel(int factors, float[] userFactors, float[] itemFactors, float[] itemBias)
    {
        _k = factors; _p = userFactors; _q = itemFactors; _bias = itemBias;
        _items = ItemMatrix.FromDense(factors, itemFactors);
    }

    public int Factors => _k;
    public override int ItemCount => _bias.Length;
    public int UserCount => _p.Length / _k;
    /// <summary>[users, k] row-major.</summary>
    public ReadOnlySpan<float> UserFactors => _p;
    /// <summary>[items, k] row-major.</summary>
    public ReadOnlySpan<float> ItemFactors => _q;
    public ReadOnlySpan<float> ItemBias => _bias;

    public override void Score(ReadOnlySpan<UserQuery> queries, Span<float> scores)
    {
        int n = ItemCount;
        var users = UserVectors(queries);
        // The shared blocked kernel (also used by the content and embedding recommenders), then the item bias.
        _items.MultiplyRows(users, queries.Length, scores);
        for (int qi = 0; qi < queries.Length; qi++)
        {
            var row = scores.Slice(qi * n, n);
            TensorPrimitives.Add(row, _bias, row);
        }
    }

    /// <summary>Counts in the dense kernel (factors, then the item bias): no score rows.</summary>
    public override bool TryCountRanks(ReadOnlySpan<UserQuery> queries, ReadOnlySpan<int> targets, Span<float> targetScores, Span<int> higher, Span<int> equal)
    {
        if (queries.IsEmpty) return true;
        _items.CountRanks(UserVectors(queries), queries.Length, targets, _bias, targetScores, higher, equal);
        return true;
    }

    public override void ScoreItems(UserQuery query, ReadOnlySpan<int> items, Span<float> scores)
    {
        var user = UserVectors([query]);
        for (int k = 0; k < items.Length; k++) scores[k] = _items.Score(items[k], user) + _bias[items[k]];
    }

    /// <summary>The factor vector of each query: the known user's, or the fold-in mean of the history's item factors.</summary>
    private float[] UserVectors(ReadOnlySpan<UserQuery> queries)
    {
        var users = new float[queries.Length * _k];
        for (int qi = 0; qi < queries.Length; qi++)
        {
            var user = users.AsSpan(qi * _k, _k);
            var query = queries[qi];
            if ((uint)query.User < (uint)UserCount) _p.AsSpan(query.User * _k, _k).CopyTo(user);
            else FoldIn(query.History.Span, user);
        }
        return users;
    }

    /// <summary>One dense part (user factors, item factors) plus the item bias.</summary>
    internal override FactoredScores Factor(UserHistories histories)
    {
        if (histories.UserCount != UserCount)
            throw new ArgumentException($"{histories.UserCount} user histories for a model of {UserCount} users.", nameof(histories));
        return new([new FactoredPart(ItemMatrix.FromDense(_k, _p), _items)], _bias);
    }

    private void FoldIn(ReadOnlySpan<int> history, Span<float> user)
    {
        user.Clear();
        if (history.IsEmpty) return;
        foreach (var item in history) TensorPrimitives.Add(user, _q.AsSpan(item * _k, _k), user);
        TensorPrimitives.Multiply(user, 1f / history.Length, user);
    }

    public override void SaveEntry(EntryWriter context)
    {
        context.Properties["factors"] = _k;
        context.Tensors.Add<float>("user_factors", _p, UserCount, _k)
            .Add<float>("item_factors", _q, ItemCount, _k)
            .Add<float>("item_bias", _bias, ItemCount);
    }

    public static BprModel LoadEntry(EntryReader context)
    {
        int k = context.Get<int>("factors");
        var p = context.Tensors.Get<float>("user_factors");
        var q = context.Tensors.Get<float>("item_factors");
        var b = context.Tensors.Get<float>("item_bias");
        if (k <= 0 || p.Length % k != 0 || q.Length != b.Length * k)
            throw new InvalidDataException($"{context.Entry}: factor shapes do not agree with factors = {k}.");
        return new BprModel(k, p, q, b);
    }
}

/// <summary>Catalog entry points for <see cref="BprMatrixFactorization"/>.</summary>
public static class BprCatalog
{
    /// <summary>BPR matrix factorization with the given options.</summary>
    public static BprMatrixFactorization Bpr(this RecommendersCatalog catalog, BprOptions? options = null) =>
        new(catalog.Context, options ?? new BprOptions());
}
