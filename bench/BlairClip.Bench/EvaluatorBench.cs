using System.Diagnostics;
using BlairClip.ML.Core;
using BlairClip.ML.Evaluation;
using BlairClip.ML.Models;
using BlairClip.ML.Split;

namespace BlairClip.Bench;

/// <summary>Throughput of the shared ranking evaluator on a synthetic catalog: users/s and ns per (user·item)
/// for the whole evaluation, for the fake model's scoring alone (so the evaluator's own cost is visible), and
/// for the per-row count itself, vectorised (<see cref="ScoreCounts.CountHigherEqual"/>) against plain scalar
/// loops.</summary>
public static class EvaluatorBench
{
    public static void Run() => Run(users: 10_000, items: 100_000);

    public static void Run(int users, int items, int historyLength = 20, int seed = 7)
    {
        Console.WriteLine($"EvaluatorBench: {users:N0} users × {items:N0} items, {historyLength} history items per user, " +
            $"{Environment.ProcessorCount} cores, Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}");
        var model = new RandomScores(items, seed);
        var rng = new Random(seed);
        var cases = Enumerable.Range(0, users).Select(u => new HeldOutItem(u, rng.Next(items), 0)).ToArray();
        var histories = RandomHistories(users, items, historyLength, rng);
        var evaluator = new BlairClipContext().Evaluation.Ranking(new RankingEvaluationOptions { Ties = TieRule.Average });

        evaluator.Evaluate(model, cases, histories, maxUsers: 512); // JIT warm-up
        ScoreOnly(model, cases.AsSpan(0, 512), 256);

        double scoring = Time(() => ScoreOnly(model, cases, 256));
        EvaluationResult? result = null;
        double total = Time(() => result = evaluator.Evaluate(model, cases, histories));
        double cells = (double)users * items;
        Console.WriteLine($"  fake scoring alone : {scoring,8:F3} s  {cells / scoring / 1e9,6:F2} G cells/s  {scoring * 1e9 / cells,6:F3} ns/(user·item)");
        Console.WriteLine($"  evaluate (total)   : {total,8:F3} s  {users / total,10:N0} users/s  {total * 1e9 / cells,6:F3} ns/(user·item)");
        Console.WriteLine($"  evaluator's own    : {total - scoring,8:F3} s  {(total - scoring) * 1e9 / cells,6:F3} ns/(user·item)");
        Console.WriteLine($"  AUC {result!.Metrics["AUC"]:F4} (random scores: ≈ 0.5), MRR {result.Metrics["MRR"]:F6}");

        // The count alone, one thread, on one scored batch (rows re-read from memory each pass).
        var rows = Math.Min(256, users);
        var buffer = new float[rows * items];
        var queries = cases.AsSpan(0, rows).ToArray().Select(c => new UserQuery(c.User, default)).ToArray();
        model.Score(queries, buffer);
        long checkV = 0, checkS = 0, checkB = 0;
        double vec = Time(() => checkV = CountRows(buffer, items, cases, ScoreCounts.CountHigherEqual));
        double scalar = Time(() => checkS = CountRows(buffer, items, cases, ScalarCount));
        double branchy = Time(() => checkB = CountRows(buffer, items, cases, BranchyCount));
        if (checkV != checkS || checkV != checkB) throw new InvalidOperationException($"counts differ: {checkV} vs {checkS} vs {checkB}");
        double rowCells = (double)rows * items;
        Console.WriteLine($"  count, 1 thread, {rows} rows: vectorised {vec * 1e9 / rowCells:F3} ns/item, " +
            $"scalar branch-free {scalar * 1e9 / rowCells:F3} ns/item ({scalar / vec:F1}×), " +
            $"scalar branchy {branchy * 1e9 / rowCells:F3} ns/item ({branchy / vec:F1}×)");
    }

    private delegate (int Higher, int Equal) Counter(ReadOnlySpan<float> scores, float target);

    private static long CountRows(float[] buffer, int items, HeldOutItem[] cases, Counter count)
    {
        long sum = 0;
        for (int r = 0; r < buffer.Length / items; r++)
        {
            var row = buffer.AsSpan(r * items, items);
            var (h, e) = count(row, row[cases[r].Item]);
            sum += h * 31L + e;
        }
        return sum;
    }

    /// <summary>The scalar reference: one compare pair per element, no branches.</summary>
    private static (int Higher, int Equal) ScalarCount(ReadOnlySpan<float> scores, float target)
    {
        int h = 0, e = 0;
        foreach (float s in scores) { h += s > target ? 1 : 0; e += s == target ? 1 : 0; }
        return (h, e);
    }

    /// <summary>The loop one writes first: a data-dependent branch per element (mispredicted on random scores).</summary>
    private static (int Higher, int Equal) BranchyCount(ReadOnlySpan<float> scores, float target)
    {
        int h = 0, e = 0;
        foreach (float s in scores)
        {
            if (s > target) h++;
            else if (s == target) e++;
        }
        return (h, e);
    }

    private static void ScoreOnly(IRecommender model, ReadOnlySpan<HeldOutItem> cases, int batch)
    {
        var buffer = new float[batch * model.ItemCount];
        var queries = new UserQuery[batch];
        for (int start = 0; start < cases.Length; start += batch)
        {
            int count = Math.Min(batch, cases.Length - start);
            for (int r = 0; r < count; r++) queries[r] = new UserQuery(cases[start + r].User, default);
            model.Score(queries.AsSpan(0, count), buffer.AsSpan(0, count * model.ItemCount));
        }
    }

    private static UserHistories RandomHistories(int users, int items, int length, Random rng)
    {
        var offsets = new int[users + 1];
        var all = new List<int>(users * length);
        for (int u = 0; u < users; u++)
        {
            var set = new SortedSet<int>();
            while (set.Count < Math.Min(length, items)) set.Add(rng.Next(items));
            all.AddRange(set);
            offsets[u + 1] = all.Count;
        }
        return new UserHistories(offsets, all.ToArray());
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>A stand-in model with uniformly random scores in [0, 1): each user's row is a window of a
    /// seeded random pool at a user-dependent offset, so scoring costs one copy per row and does not hide the
    /// evaluator's cost.</summary>
    private sealed class RandomScores : IRecommender
    {
        private const int Spread = 4099;
        private readonly float[] _pool;

        public RandomScores(int items, int seed)
        {
            ItemCount = items;
            var rng = new Random(seed);
            _pool = new float[items + Spread];
            for (int i = 0; i < _pool.Length; i++) _pool[i] = rng.NextSingle();
        }

        public int ItemCount { get; }

        public void Score(ReadOnlySpan<UserQuery> queries, Span<float> scores)
        {
            for (int q = 0; q < queries.Length; q++)
            {
                int offset = (int)((uint)queries[q].User * 2654435761u % Spread);
                _pool.AsSpan(offset, ItemCount).CopyTo(scores.Slice(q * ItemCount, ItemCount));
            }
        }

    }
}
