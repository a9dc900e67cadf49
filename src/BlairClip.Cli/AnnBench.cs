using System.Diagnostics;
using BlairClip.ML.Core;
using BlairClip.ML.Search;

namespace BlairClip.Cli;

/// <summary><c>blairclip bench --scale ann</c>: generates seeded synthetic item embeddings (<see cref="SyntheticEmbeddings"/>,
/// 1 M × 256-d by default), builds the HNSW index on all cores, runs held-out queries (draws of the same distribution,
/// not indexed) through exact search and HNSW at several ef, and prints one table: build time and memory, recall@10 of
/// HNSW against exact, query latency p50/p99 of both (one query at a time, one thread) and HNSW's speed-up over exact
/// measured in the same run; then the graph's save and load.</summary>
internal static class AnnBench
{
    /// <summary>Default catalog size of the bench (the issue's 1 M).</summary>
    public const int DefaultVectors = 1_000_000;

    /// <summary>Default held-out queries.</summary>
    public const int DefaultQueries = 1_000;

    private const int Dim = 256, K = 10, Seed = 17;

    /// <summary>Items per synthetic cluster on average (a few thousand clusters at 1 M).</summary>
    private const int ItemsPerCluster = 250;

    /// <summary>The ef values measured besides the index's default.</summary>
    private static readonly int[] ExtraEf = [40, 100, 200, 400];

    public static int Run(int vectors, int queries, TextWriter output)
    {
        InvalidOptionException.Check(vectors >= 1, "--vectors", vectors, "must be at least 1");
        InvalidOptionException.Check(queries >= 1, "--queries", queries, "must be at least 1");
        var rows = new List<BenchRow>();
        var data = new SyntheticEmbeddings(Dim, Math.Max(16, vectors / ItemsPerCluster), Seed);
        output.WriteLine($"data: {vectors:N0} vectors + {queries:N0} held-out queries, seed {Seed}: {data.Description}");

        var watch = Stopwatch.StartNew();
        var matrix = data.Generate(vectors);
        var queryMatrix = data.Generate(queries, first: vectors);
        double synth = watch.Elapsed.TotalSeconds;
        rows.Add(new("data synth", $"{vectors + queries:N0} × {Dim}", synth, $"{(vectors + queries) / synth / 1e3:F0} k vectors/s", "",
            $"{matrix.LongLength * 4 / 1e9:F2} GB of float32"));

        var options = new HnswOptions();
        long rssBefore = BenchTable.PeakRssBytes();
        watch.Restart();
        var hnsw = HnswIndex.Build(matrix, vectors, Dim, options);
        double build = watch.Elapsed.TotalSeconds;
        rows.Add(new($"HNSW build (M {options.M}, ef_construction {options.EfConstruction})", $"{vectors:N0} vectors", build,
            $"{vectors / build:N0} vectors/s", "",
            $"{Environment.ProcessorCount} threads; graph {hnsw.GraphBytes / 1e6:F0} MB ({(double)hnsw.GraphBytes / vectors:F0} B/vector), {hnsw.MaxLevel + 1} layers; peak RSS {rssBefore / 1e9:F2} → {BenchTable.PeakRssBytes() / 1e9:F2} GB"));

        var exact = new ExactSearchIndex(matrix, vectors, Dim);
        var truth = new IReadOnlyList<SearchHit>[queries];
        var exactTimes = Time(queries, q => truth[q] = exact.Search(Query(queryMatrix, q), K));
        double exactMean = exactTimes.Average();
        rows.Add(new("exact search (reference)", $"{queries:N0} queries, top {K}", exactTimes.Sum(), $"{1 / exactMean:N0} queries/s", "reference",
            $"p50 {Percentile(exactTimes, 0.5) * 1e3:F2} ms, p99 {Percentile(exactTimes, 0.99) * 1e3:F2} ms; 1 thread"));

        foreach (int ef in ExtraEf.Append(options.EfSearch).Distinct().Order())
        {
            var found = new IReadOnlyList<SearchHit>[queries];
            var times = Time(queries, q => found[q] = hnsw.Search(Query(queryMatrix, q), K, ef));
            double recall = Enumerable.Range(0, queries).Average(q => found[q].Select(h => h.Row).Intersect(truth[q].Select(h => h.Row)).Count() / (double)K);
            rows.Add(new($"HNSW search, ef {ef}{(ef == options.EfSearch ? " (default)" : "")}", $"{queries:N0} queries, top {K}", times.Sum(),
                $"{1 / times.Average():N0} queries/s", $"{exactMean / times.Average():F0}× exact",
                $"recall@{K} {recall:F4}; p50 {Percentile(times, 0.5) * 1e3:F3} ms, p99 {Percentile(times, 0.99) * 1e3:F3} ms; 1 thread"));
        }

        using (var stream = new MemoryStream())
        {
            watch.Restart();
            hnsw.Save(stream);
            double save = watch.Elapsed.TotalSeconds;
            rows.Add(new("HNSW save graph", $"{stream.Length / 1e6:F0} MB", save, $"{stream.Length / 1e6 / save:F0} MB/s", "", "to memory; checksummed"));
            stream.Position = 0;
            watch.Restart();
            HnswIndex.Load(stream, matrix, vectors, Dim);
            double load = watch.Elapsed.TotalSeconds;
            rows.Add(new("HNSW load graph", $"{stream.Length / 1e6:F0} MB", load, $"{stream.Length / 1e6 / load:F0} MB/s", "",
                "checks checksum, links and the vectors' fingerprint (hashes the vectors)"));
        }
        rows.Add(new("peak RSS (whole bench)", "", double.NaN, $"{BenchTable.PeakRssBytes() / 1e9:F2} GB", ""));
        BenchTable.Write(rows, output);
        return 0;
    }

    private static ReadOnlySpan<float> Query(float[] queries, int q) => queries.AsSpan(q * Dim, Dim);

    /// <summary>Seconds of each of <paramref name="count"/> calls, one after another, after one untimed warm-up call.</summary>
    private static double[] Time(int count, Action<int> query)
    {
        query(0);
        var seconds = new double[count];
        for (int q = 0; q < count; q++)
        {
            long start = Stopwatch.GetTimestamp();
            query(q);
            seconds[q] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return seconds;
    }

    /// <summary>The <paramref name="p"/> quantile (nearest rank) of <paramref name="values"/>.</summary>
    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
