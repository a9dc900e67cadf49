using BlairClip.ML.Core;
using BlairClip.ML.Evaluation.Metrics;
using BlairClip.ML.Split;

namespace BlairClip.ML.Evaluation;

/// <summary>The one ranking evaluation every model goes through: each held-out item is ranked against the
/// whole catalog (minus the user's history when <see cref="RankingEvaluationOptions.ExcludeHistory"/>) by the
/// model's own <see cref="IRecommender.Score"/>.</summary>
/// <remarks>
/// For a case (user u, held-out item i) with score t = s[i]: h = #{candidates j ≠ i : s[j] &gt; t} and
/// e = #{candidates j ≠ i : s[j] = t}; the tie rule turns (h, e) into a range of equally likely ranks and each
/// metric reports its mean over that range (see <see cref="TieRule"/>).
/// <para>NaN scores are treated as −∞: they rank below every number and tie with −∞ and with each other.</para>
/// <para>History masking does not write −∞ into the score buffer: the whole row is counted in one branch-free
/// vectorised pass, then each history item other than i is looked up and taken back out of h or e (and out of
/// the candidates). Histories are short next to the catalog, so this costs little and keeps the hot loop
/// uniform.</para>
/// <para>Users are scored <see cref="RankingEvaluationOptions.BatchSize"/> at a time into one reused
/// <c>[batch, items]</c> buffer; the users × items matrix is never built. Rows of a batch are counted in
/// parallel.</para>
/// </remarks>
public sealed class RankingEvaluator
{
    private readonly BlairClipContext _context;
    private readonly RankingMetric[] _metrics;

    /// <exception cref="InvalidOptionException">Unknown or repeated metric, no metrics, or a batch size
    /// that is not positive.</exception>
    internal RankingEvaluator(BlairClipContext context, RankingEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        InvalidOptionException.Check(options.BatchSize > 0, "batch_size", options.BatchSize, "must be positive");
        InvalidOptionException.Check(Enum.IsDefined(options.Ties), "ties", options.Ties, "must be optimistic, average or pessimistic");
        InvalidOptionException.Check(options.Metrics is { Count: > 0 }, "metrics", options.Metrics is null ? null : "[]",
            $"must list at least one metric ({string.Join(", ", RankingMetric.KnownNames)})");
        _metrics = new RankingMetric[options.Metrics!.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int m = 0; m < _metrics.Length; m++)
        {
            _metrics[m] = RankingMetric.Parse(options.Metrics[m]);
            InvalidOptionException.Check(seen.Add(_metrics[m].Name), "metrics", options.Metrics[m], "must not list a metric twice");
        }
        _context = context;
        Options = options;
    }

    public RankingEvaluationOptions Options { get; }

    /// <summary>The parsed metrics, in the options' order.</summary>
    public IReadOnlyList<RankingMetric> Metrics => _metrics;

    /// <summary>Ranks each held-out item of <paramref name="cases"/> among the candidates and averages the
    /// metrics over the cases (each case one user).</summary>
    /// <param name="model">Scores <c>[batch, model.ItemCount]</c>; higher is better.</param>
    /// <param name="cases">Held-out (user, item) pairs; item indices must lie in [0, model.ItemCount).</param>
    /// <param name="histories">The users' known items: passed to the model as the query history and, with
    /// <see cref="RankingEvaluationOptions.ExcludeHistory"/>, removed from the candidates.</param>
    /// <param name="maxUsers">Evaluate only the first <paramref name="maxUsers"/> cases (in list order).</param>
    /// <exception cref="ArgumentException">No cases; a held-out or history item outside the catalog (the
    /// message names the case, user and item).</exception>
    /// <exception cref="InvalidOptionException"><paramref name="maxUsers"/> not positive, or batch_size × items
    /// exceeding the largest array.</exception>
    public EvaluationResult Evaluate(IRecommender model, IReadOnlyList<HeldOutItem> cases, UserHistories histories, int? maxUsers = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(histories);
        if (maxUsers is { } cap) InvalidOptionException.Check(cap > 0, "max_users", cap, "must be positive");
        int users = Math.Min(cases.Count, maxUsers ?? int.MaxValue);
        if (users == 0) throw new ArgumentException("There are no held-out items to evaluate.", nameof(cases));
        int items = model.ItemCount;
        if (items <= 0) throw new ArgumentException($"The model scores no items (ItemCount = {items}).", nameof(model));
        Validate(cases, users, histories, items);

        if (Options.Path == RankingPath.Fast && !model.UserIndependentScores.IsEmpty)
            return new EvaluationResult(_metrics.Select(m => m.Name).ToArray(), EvaluateUserIndependent(model.UserIndependentScores.Span, cases, users, histories));
        if (Options.Path == RankingPath.Fast && EvaluateCounted(model, cases, users, histories) is { } counted)
            return new EvaluationResult(_metrics.Select(m => m.Name).ToArray(), counted);

        int batch = Math.Min(Options.BatchSize, users);
        InvalidOptionException.Check((long)batch * items <= Array.MaxLength, "batch_size", Options.BatchSize,
            $"must keep batch_size × items ({items}) within {Array.MaxLength} floats");
        var buffer = new float[batch * items];
        var queries = new UserQuery[batch];
        var results = new UserEvaluation[users];
        int batches = (users + batch - 1) / batch;

        using var progress = _context.Progress.Start("evaluate", batches);
        for (int start = 0; start < users; start += batch)
        {
            int count = Math.Min(batch, users - start);
            for (int r = 0; r < count; r++)
            {
                int user = cases[start + r].User;
                queries[r] = new UserQuery(user, histories.Memory(user));
            }
            model.Score(queries.AsSpan(0, count), buffer.AsSpan(0, count * items));
            int first = start;
            Parallel.For(0, count, r =>
            {
                var c = cases[first + r];
                var history = Options.ExcludeHistory ? histories[c.User] : default;
                results[first + r] = EvaluateRow(buffer.AsSpan(r * items, items), c, history);
            });
            progress.Advance();
        }
        return new EvaluationResult(_metrics.Select(m => m.Name).ToArray(), results);
    }

    /// <summary>Users per call on the counting path: it holds no score rows, only profiles, so batches can be large
    /// (a dense item block is then read once for many users).</summary>
    private const int CountBatch = 2048;

    /// <summary>The counting fast path (<see cref="IRecommender.TryCountRanks"/>), or null when the model has none. A case
    /// whose target scores NaN or −∞ (where "equal" means every non-number too), or that the model could not count
    /// (higher −1), is ranked from its scored row.</summary>
    private UserEvaluation[]? EvaluateCounted(IRecommender model, IReadOnlyList<HeldOutItem> cases, int users, UserHistories histories)
    {
        if (!model.TryCountRanks([], [], [], [], [])) return null;
        int items = model.ItemCount, batch = Math.Min(CountBatch, users);
        var queries = new UserQuery[batch];
        var targets = new int[batch];
        var scores = new float[batch];
        var higher = new int[batch];
        var equal = new int[batch];
        var results = new UserEvaluation[users];
        using var progress = _context.Progress.Start("evaluate", (users + batch - 1) / batch);
        for (int start = 0; start < users; start += batch)
        {
            int count = Math.Min(batch, users - start);
            for (int r = 0; r < count; r++)
            {
                var c = cases[start + r];
                queries[r] = new UserQuery(c.User, histories.Memory(c.User));
                targets[r] = c.Item;
            }
            if (!model.TryCountRanks(queries.AsSpan(0, count), targets.AsSpan(0, count), scores.AsSpan(0, count), higher.AsSpan(0, count), equal.AsSpan(0, count)))
                throw new InvalidOperationException($"{model.GetType().Name} has a counting path but declined a batch.");
            int first = start;
            Parallel.For(0, count, r =>
            {
                var c = cases[first + r];
                var history = Options.ExcludeHistory ? histories[c.User] : default;
                float target = scores[r];
                if (float.IsNaN(target) || float.IsNegativeInfinity(target) || higher[r] < 0)
                {
                    var row = new float[items];
                    model.Score([queries[r]], row);
                    results[first + r] = EvaluateRow(row, c, history);
                    return;
                }
                Span<float> excluded = history.Length <= StackScores ? stackalloc float[history.Length] : new float[history.Length];
                model.ScoreItems(queries[r], history, excluded);
                results[first + r] = Rank(c, target, higher[r], equal[r], items, history, excluded);
            });
            progress.Advance();
        }
        return results;
    }

    /// <summary>Scores that are the same for every user: sorted once (NaN as −∞), then each case's counts come from two
    /// binary searches and its history from lookups.</summary>
    private UserEvaluation[] EvaluateUserIndependent(ReadOnlySpan<float> scores, IReadOnlyList<HeldOutItem> cases, int users, UserHistories histories)
    {
        var row = scores.ToArray();
        var sorted = row.Select(s => float.IsNaN(s) ? float.NegativeInfinity : s).ToArray();
        Array.Sort(sorted);
        var results = new UserEvaluation[users];
        using var progress = _context.Progress.Start("evaluate", 1);
        Parallel.For(0, users, k =>
        {
            var c = cases[k];
            float target = row[c.Item];
            if (float.IsNaN(target)) target = float.NegativeInfinity;
            int below = LowerBound(sorted, target), atOrBelow = UpperBound(sorted, target);
            var history = Options.ExcludeHistory ? histories[c.User] : default;
            results[k] = RankFromRow(c, target, sorted.Length - atOrBelow, atOrBelow - below, row, history);
        });
        progress.Advance();
        return results;
    }

    /// <summary>First index whose value is ≥ <paramref name="t"/>.</summary>
    private static int LowerBound(float[] sorted, float t)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi) { int mid = (lo + hi) >>> 1; if (sorted[mid] < t) lo = mid + 1; else hi = mid; }
        return lo;
    }

    /// <summary>First index whose value is &gt; <paramref name="t"/>.</summary>
    private static int UpperBound(float[] sorted, float t)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi) { int mid = (lo + hi) >>> 1; if (sorted[mid] <= t) lo = mid + 1; else hi = mid; }
        return lo;
    }

    /// <summary>Ranks one case given its score row <c>[items]</c> and the history items to exclude.</summary>
    internal UserEvaluation EvaluateRow(ReadOnlySpan<float> row, HeldOutItem c, ReadOnlySpan<int> excluded)
    {
        float target = row[c.Item];
        if (float.IsNaN(target)) target = float.NegativeInfinity;
        var (higher, equal) = ScoreCounts.CountHigherEqual(row, target);
        // Against −∞ every non-number and −∞ ties: what is not strictly higher is equal.
        if (float.IsNegativeInfinity(target)) equal = row.Length - higher;
        return RankFromRow(c, target, higher, equal, row, excluded);
    }

    /// <summary>Histories up to this length have their scores gathered on the stack (no allocation per user).</summary>
    private const int StackScores = 256;

    /// <summary><see cref="Rank"/> with the excluded items' scores read from the case's score row.</summary>
    private UserEvaluation RankFromRow(HeldOutItem c, float target, int higher, int equal, ReadOnlySpan<float> row, ReadOnlySpan<int> excluded)
    {
        Span<float> scores = excluded.Length <= StackScores ? stackalloc float[excluded.Length] : new float[excluded.Length];
        for (int k = 0; k < excluded.Length; k++) scores[k] = row[excluded[k]];
        return Rank(c, target, higher, equal, row.Length, excluded, scores);
    }

    /// <summary>The case's metrics from its counts over the whole catalog (target score <paramref name="target"/>, NaN
    /// already −∞; <paramref name="equal"/> includes the target itself), after taking the history items other than the
    /// held-out one (with scores <paramref name="excludedScores"/>) out of the candidates.</summary>
    private UserEvaluation Rank(HeldOutItem c, float target, int higher, int equal, int items, ReadOnlySpan<int> excluded, ReadOnlySpan<float> excludedScores)
    {
        int h = higher, e = equal - 1, candidates = items;
        for (int k = 0; k < excluded.Length; k++)
        {
            if (excluded[k] == c.Item) continue; // the held-out item always stays a candidate
            float s = excludedScores[k];
            if (float.IsNaN(s)) s = float.NegativeInfinity;
            if (s > target) h--;
            else if (s == target) e--;
            candidates--;
        }

        var (firstRank, lastRank) = Options.Ties.RankRange(h, e);
        var values = new double[_metrics.Length];
        for (int m = 0; m < values.Length; m++) values[m] = _metrics[m].Mean(firstRank, lastRank, candidates);
        return new UserEvaluation(c.User, c.Item, (firstRank + lastRank) / 2.0, h, e, candidates, values);
    }

    private void Validate(IReadOnlyList<HeldOutItem> cases, int users, UserHistories histories, int items)
    {
        for (int k = 0; k < users; k++)
        {
            var c = cases[k];
            if ((uint)c.Item >= (uint)items)
                throw new ArgumentException(
                    $"Held-out case {k} (user {c.User}): item {c.Item} is outside the model's catalog [0, {items}).", nameof(cases));
            if (!Options.ExcludeHistory) continue;
            foreach (int j in histories[c.User])
                if ((uint)j >= (uint)items)
                    throw new ArgumentException(
                        $"Held-out case {k}: user {c.User}'s history item {j} is outside the model's catalog [0, {items}).", nameof(histories));
        }
    }
}

/// <summary>Catalog entry point for <see cref="RankingEvaluator"/>.</summary>
public static class RankingEvaluationCatalog
{
    /// <summary>The shared ranking evaluator (defaults: exclude history, optimistic ties, Recall@10/50,
    /// NDCG@10/50, MRR, AUC, batches of 256 users).</summary>
    /// <exception cref="InvalidOptionException">Invalid options; the message names the YAML key.</exception>
    public static RankingEvaluator Ranking(this EvaluationCatalog catalog, RankingEvaluationOptions? options = null) =>
        new(catalog.Context, options ?? new RankingEvaluationOptions());
}
