using System.Diagnostics;
using System.Text.Json;
using BlairClip.ML.Core;
using BlairClip.ML.DataViews;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Text;

namespace BlairClip.Bench;

/// <summary>Quick timings (no BenchmarkDotNet): TF-IDF fit and transform on the embedded All_Beauty item texts,
/// and ContentProfile scoring throughput with 768-d dense item vectors over 50,000 items. Call <see cref="Run"/>.</summary>
public static class ContentProfileBench
{
    public static void Run()
    {
        Console.WriteLine($"ContentProfileBench: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        TfIdf();
        DenseScoring(items: 50_000, dim: 768, users: 512, batch: 256, historyLength: 5);
    }

    private static void TfIdf()
    {
        var texts = AllBeautyTexts();
        var context = new BlairClipContext();
        foreach (var copies in new[] { 1, 100 })
        {
            var corpus = Enumerable.Repeat(texts, copies).SelectMany(t => t).ToArray();
            var data = Dataset(corpus.Length, t => t.AddText("Text", corpus)).ItemTable;
            var featurizer = context.Transforms.TfIdf(new TfIdfOptions { MaxFeatures = 5000 });
            featurizer.Fit(data).Transform(data); // warm-up (JIT)
            var fit = Median(() => featurizer.Fit(data), copies == 1 ? 21 : 3);
            var transformer = featurizer.Fit(data);
            var transform = Median(() => transformer.Transform(data), copies == 1 ? 21 : 3);
            Console.WriteLine($"TF-IDF (max_features 5000) on {corpus.Length} texts ({copies}× All_Beauty, {transformer.Vocabulary.Count} terms): " +
                $"fit {fit * 1e3:F2} ms, transform {transform * 1e3:F2} ms ({corpus.Length / transform:F0} texts/s)");
        }
    }

    private static void DenseScoring(int items, int dim, int users, int batch, int historyLength)
    {
        var rng = new Random(1);
        var values = new float[(long)items * dim];
        for (long k = 0; k < values.Length; k++) values[k] = (float)(rng.NextDouble() - 0.5);
        var data = Dataset(items, t => t.AddDense("Features", dim, values));
        var model = new BlairClipContext().Recommenders.ContentProfile(new() { NormalizeItems = true }).Fit(data);
        var queries = Enumerable.Range(0, users).Select(u => new UserQuery(-1,
            Enumerable.Range(0, historyLength).Select(_ => rng.Next(items)).Distinct().Order().ToArray())).ToArray();
        var scores = new float[(long)batch * items];
        model.Score(queries.AsSpan(0, batch), scores); // warm-up
        foreach (var b in new[] { 1, 16, batch })
        {
            int n = b == 1 ? 16 : users;
            var sw = Stopwatch.StartNew();
            for (int q = 0; q < n; q += b) model.Score(queries.AsSpan(q, Math.Min(b, n - q)), scores.AsSpan(0, Math.Min(b, n - q) * items));
            double s = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"ContentProfile dense {items} items × {dim}-d, batch {b}: {n / s:F0} users/s " +
                $"({2.0 * n * items * dim / s / 1e9:F1} GFLOP/s)");
        }
    }

    private static RecDataset Dataset(int rows, Func<ColumnarDataView, ColumnarDataView> column)
    {
        var items = new IdMap(Enumerable.Range(0, rows).Select(i => $"i{i}"));
        var table = column(ColumnarDataView.Create(rows).AddText(RecDataset.ItemIdColumn, items.Ids.ToArray()));
        return new RecDataset(new IdMap(), items, table, Interactions.Empty);
    }

    private static double Median(Action action, int runs)
    {
        var times = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times[r] = sw.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }

    /// <summary>Title, description and features of each item of the embedded sample, in file order.</summary>
    private static string[] AllBeautyTexts()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "data/samples/all-beauty/meta_All_Beauty.jsonl"))) dir = dir.Parent;
        var path = Path.Combine(dir?.FullName ?? throw new FileNotFoundException("data/samples/all-beauty/meta_All_Beauty.jsonl not found above " + AppContext.BaseDirectory), "data/samples/all-beauty/meta_All_Beauty.jsonl");
        return File.ReadLines(path).Select(line =>
        {
            using var doc = JsonDocument.Parse(line);
            var parts = new List<string>();
            foreach (var field in new[] { "title", "description", "features" })
            {
                if (!doc.RootElement.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) continue;
                var s = v.ValueKind == JsonValueKind.Array ? string.Join(" ", v.EnumerateArray().Select(e => e.GetString())) : v.GetString() ?? "";
                if (s.Length > 0) parts.Add(s);
            }
            return string.Join(" ", parts);
        }).ToArray();
    }
}
