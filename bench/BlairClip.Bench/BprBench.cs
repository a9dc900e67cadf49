using System.Diagnostics;
using BlairClip.ML.Core;
using BlairClip.ML.Recommenders;

namespace BlairClip.Bench;

/// <summary>BPR training throughput (SGD triples per second) on a synthetic power-law data set, one thread versus all
/// cores, so the lock-free parallel speed-up is visible.</summary>
public static class BprBench
{
    public static void Run()
    {
        var data = Synthetic(users: 20_000, items: 10_000, interactions: 400_000, seed: 1);
        Console.WriteLine($"BPR: {data.Users.Count} users, {data.Items.Count} items, {data.Train.Count} interactions, factors 64, 3 epochs");
        Console.WriteLine($"{"threads",8} {"seconds",10} {"triples/s",14}");
        foreach (var threads in new[] { 1, Environment.ProcessorCount })
        {
            var options = new BprOptions { Factors = 64, Epochs = 3, Threads = threads };
            new BlairClipContext(1).Recommenders.Bpr(options with { Epochs = 1 }).Fit(data); // warm-up (JIT)
            var sw = Stopwatch.StartNew();
            new BlairClipContext(1).Recommenders.Bpr(options).Fit(data);
            double s = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"{threads,8} {s,10:F3} {3.0 * data.Train.Count / s,14:N0}");
        }
    }

    /// <summary>Users and items drawn with Zipf-like popularity.</summary>
    public static RecDataset Synthetic(int users, int items, int interactions, int seed)
    {
        var rng = new Random(seed);
        var u = new int[interactions]; var i = new int[interactions]; var t = new long[interactions]; var r = new float[interactions];
        for (int k = 0; k < interactions; k++)
        {
            u[k] = (int)(users * Math.Pow(rng.NextDouble(), 2));
            i[k] = (int)(items * Math.Pow(rng.NextDouble(), 3));
            t[k] = k; r[k] = float.NaN;
        }
        var userIds = new IdMap(Enumerable.Range(0, users).Select(x => "u" + x));
        var itemIds = new IdMap(Enumerable.Range(0, items).Select(x => "i" + x));
        var table = BlairClip.ML.DataViews.ColumnarDataView.Create(items).AddText(RecDataset.ItemIdColumn, itemIds.Ids.ToArray());
        return new RecDataset(userIds, itemIds, table, new Interactions(u, i, t, r));
    }
}
