using System.Diagnostics;
using System.Globalization;
using BlairClip.ML.Core;
using BlairClip.ML.Data;
using BlairClip.ML.Evaluation;
using BlairClip.ML.Experiments;
using BlairClip.ML.Experiments.Yaml;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Split;
using BlairClip.ML.Text;
using TorchSharp;

namespace BlairClip.Cli;

/// <summary>Data shapes <c>blairclip bench</c> runs at.</summary>
internal enum BenchScale
{
    /// <summary>The seed study's Appliances: 1.8 M users, 94 k items, 2.1 M reviews.</summary>
    Appliances,
    /// <summary>A minute-long check: 60 k users, 8 k items, 70 k reviews.</summary>
    Small,
    /// <summary>Query search over item embeddings (<see cref="AnnBench"/>): HNSW against exact search on 1 M synthetic
    /// 256-d vectors (or <c>--vectors</c>).</summary>
    Ann,
}

/// <summary><c>blairclip bench</c>: generates (or reuses) synthetic data of a scale, runs the seed study's three baselines on
/// it end to end, then measures each optimised path beside its reference in the same process — the evaluator's dense
/// kernel against the process's own float32 GEMM (libtorch's), the fast ranking paths against scoring full rows, and
/// BPR's threads, against Hogwild and against a memory reference of random row updates — and prints one table.</summary>
internal static class ScaleBench
{
    public static int Run(BenchScale scale, string root, TextWriter output)
    {
        var rows = new List<BenchRow>();
        var options = scale == BenchScale.Appliances ? new SyntheticDataOptions()
            : new SyntheticDataOptions { Users = 60_000, Items = 8_000, Interactions = 70_000 };
        var dir = Path.GetFullPath(Path.Combine(root, scale.ToString().ToLowerInvariant()));
        var spec = Path.Combine(dir, "study.yaml");
        if (!File.Exists(Path.Combine(dir, "reviews.jsonl")))
        {
            var w = Stopwatch.StartNew();
            var written = SyntheticAmazonData.Write(options, dir);
            File.WriteAllText(spec, SyntheticAmazonData.StudyYaml(scale.ToString().ToLowerInvariant()));
            rows.Add(new("data synth", $"{written.Bytes / 1e6:F0} MB", w.Elapsed.TotalSeconds, $"{written.Bytes / 1e6 / w.Elapsed.TotalSeconds:F0} MB/s", ""));
        }
        long reviewBytes = new FileInfo(Path.Combine(dir, "reviews.jsonl")).Length + new FileInfo(Path.Combine(dir, "meta.jsonl")).Length;
        output.WriteLine($"data: {dir} ({reviewBytes / 1e6:F0} MB of JSONL)");

        // 1. The whole study, as a researcher runs it (with the report, as `run` writes it).
        var outDir = Path.Combine(dir, "runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        var watch = Stopwatch.StartNew();
        var outcome = StudyRunner.Run(spec, new StudyRunOptions { OutputDirectory = outDir, Log = output, FolderWriters = [new BlairClip.Report.HtmlReport()] });
        double total = watch.Elapsed.TotalSeconds;
        long studyPeak = BenchTable.PeakRssBytes();
        var stages = outcome.Times.Stages.ToDictionary(s => s.Key, s => s.Value);
        var result = outcome.Result;
        rows.Add(new("load reviews + meta", $"{reviewBytes / 1e6:F0} MB", stages["load"], $"{reviewBytes / 1e6 / stages["load"]:F0} MB/s", "", $"review lines parsed on {Environment.ProcessorCount} cores"));
        rows.Add(new("filter + split", "", stages["filter"] + stages["split"], "", ""));
        rows.Add(new("whole study (tables, zips)", "", total, "", "", $"peak RSS {studyPeak / 1e9:F2} GB"));

        // 2. Each optimised path beside its reference, on the same data, in this process.
        var study = StudyData.Prepare(SpecDocument.Load(spec), new StageTimes());
        long trainSamples = study.Split.Train.Count;
        int at = rows.FindIndex(r => r.Stage == "whole study (tables, zips)");
        var perModel = new List<BenchRow>();
        foreach (var m in result.Models)
        {
            perModel.Add(new($"{m.Name} fit", m.Name == "BPR-MF" ? $"{30 * trainSamples / 1e6:F1} M samples" : "", m.FitSeconds,
                m.Name == "BPR-MF" ? $"{30 * trainSamples / m.FitSeconds / 1e6:F2} M samples/s" : "", "", m.Name == "BPR-MF" ? "30 epochs, incl. initialisation" : ""));
            perModel.Add(new($"{m.Name} evaluate", $"{m.Evaluation.Users:N0} users", m.EvaluateSeconds, $"{m.Evaluation.Users / m.EvaluateSeconds:N0} users/s", ""));
            if (stages.TryGetValue($"save:{m.Name}", out var save)) perModel.Add(new($"{m.Name} save zip", "", save, "", ""));
        }
        // The bootstrap intervals of every model and metric, drawn in one shared batch, against one column at a time (the
        // loop it replaced: a full stream of draws per model and metric), timed here on two of the study's columns.
        var columns = result.Models.SelectMany(m => m.Evaluation.Metrics.Keys.Select(k => m.Evaluation.PerUserValues(k))).ToList();
        var one = Stopwatch.StartNew();
        foreach (var column in columns.Take(2)) PairedComparison.MeanInterval(column, ML.Reporting.Significance.Resamples, 42);
        double perColumn = one.Elapsed.TotalSeconds / Math.Min(2, columns.Count);
        double shared = stages["significance"];
        perModel.Add(new("bootstrap 95 % intervals, shared draws", $"{columns.Count} columns × {result.Models[0].Evaluation.Users:N0} users", shared, "",
            $"{perColumn * columns.Count / shared:F1}× one at a time", $"one column alone: {perColumn:F2} s"));
        rows.InsertRange(at, perModel);

        var bc = new BlairClipContext(seed: 42);
        var test = study.Split.Test;
        int items = study.Data.Items.Count;
        int sample = Math.Min(test.Count, 2000);

        // The reference is libtorch's best float32 GEMM rate in this process: the evaluation's own shapes and a square one.
        double gemm64 = GemmGflops(2048, 64, items), gemm512 = GemmGflops(512, 512, items), square = GemmGflops(1024, 1024, 1024);
        double gemm = Math.Max(square, Math.Max(gemm64, gemm512));
        rows.Add(new("float32 GEMM (libtorch) 64-d", $"2048×64×{items:N0}", double.NaN, $"{gemm64:F1} GFLOP/s", "reference"));
        rows.Add(new("float32 GEMM (libtorch) 512-d", $"512×512×{items:N0}", double.NaN, $"{gemm512:F1} GFLOP/s", "reference"));
        rows.Add(new("float32 GEMM (libtorch) 1024³", "1024×1024×1024", double.NaN, $"{square:F1} GFLOP/s", "reference", $"{torch.get_num_threads()} threads"));

        var bpr = bc.Recommenders.Bpr(new BprOptions { Factors = 64, Epochs = 1, Threads = 1 }).Fit(study.Train);
        var (fast, fastSeconds) = Evaluate(bc, bpr, test, study.TestHistories, RankingPath.Fast, test.Count);
        double denseGflops = 2.0 * 64 * items * test.Count / fastSeconds / 1e9;
        rows.Add(new("dense evaluate 64-d (BPR), fused kernel", $"{test.Count:N0} users", fastSeconds, $"{denseGflops:F1} GFLOP/s", $"{denseGflops / gemm:P0} of best GEMM"));
        var (_, rowsSeconds) = Evaluate(bc, bpr, test, study.TestHistories, RankingPath.ScoreRows, sample);
        rows.Add(new("dense evaluate 64-d, score rows (reference)", $"{sample:N0} users", rowsSeconds, $"{sample / rowsSeconds:N0} users/s", $"fused {test.Count / fastSeconds / (sample / rowsSeconds):F1}×"));
        bpr = null!;
        GiveMemoryBack();

        var rng = new Random(5);
        var vectors = ML.DataViews.ColumnarDataView.Create(items).AddDense("E", 512, Enumerable.Range(0, items * 512).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray());
        var wide = bc.Recommenders.Embedding(new EmbeddingRecommenderOptions { Mode = EmbeddingMode.Text, TextColumn = "E", Normalize = false })
            .Fit(new RecDataset(study.Train.Users, study.Train.Items, vectors, study.Train.Train));
        int wideUsers = Math.Min(test.Count, 20_000);
        var (_, wideSeconds) = Evaluate(bc, wide, test, study.TestHistories, RankingPath.Fast, wideUsers);
        double wideGflops = 2.0 * 512 * items * wideUsers / wideSeconds / 1e9;
        rows.Add(new("dense evaluate 512-d (embedding), fused kernel", $"{wideUsers:N0} users", wideSeconds, $"{wideGflops:F1} GFLOP/s", $"{wideGflops / gemm:P0} of best GEMM"));
        (vectors, wide) = (null!, null!);
        GiveMemoryBack();

        var tfidf = new RecommenderPipeline([bc.Transforms.TfIdf(new TfIdfOptions { MaxFeatures = 5000 })], bc.Recommenders.ContentProfile()).Fit(study.Train).Recommender;
        var (_, tfFast) = Evaluate(bc, tfidf, test, study.TestHistories, RankingPath.Fast, test.Count);
        var (_, tfRows) = Evaluate(bc, tfidf, test, study.TestHistories, RankingPath.ScoreRows, sample);
        rows.Add(new("TF-IDF evaluate, transposed matrix", $"{test.Count:N0} users", tfFast, $"{test.Count / tfFast:N0} users/s", $"{test.Count / tfFast / (sample / tfRows):F1}× rows"));
        rows.Add(new("TF-IDF evaluate, score rows (reference)", $"{sample:N0} users", tfRows, $"{sample / tfRows:N0} users/s", ""));
        tfidf = null!;
        GiveMemoryBack();

        var pop = bc.Recommenders.Popularity().Fit(study.Train);
        var (_, popFast) = Evaluate(bc, pop, test, study.TestHistories, RankingPath.Fast, test.Count);
        var (_, popRows) = Evaluate(bc, pop, test, study.TestHistories, RankingPath.ScoreRows, sample);
        rows.Add(new("Popularity evaluate, one sorted copy", $"{test.Count:N0} users", popFast, $"{test.Count / popFast:N0} users/s", $"{test.Count / popFast / (sample / popRows):F0}× rows"));
        rows.Add(new("Popularity evaluate, score rows (reference)", $"{sample:N0} users", popRows, $"{sample / popRows:N0} users/s", ""));

        // BPR's epochs timed one by one (the fit's progress reports each), so initialisation and the first epoch's JIT and
        // first-touch page faults are not averaged into the SGD rate; the median of the later epochs is the rate.
        long samples = (long)study.Train.Train.Count;
        int cores = Environment.ProcessorCount;
        // The memory reference first: random row updates over a table the size of BPR's user factors, 1 thread and all.
        var memory = new RandomRowUpdates(study.Train.Users.Count, 64);
        double memoryOne = memory.PerSecond(1, 3_000_000), memoryAll = memory.PerSecond(cores, 3_000_000);
        memory = null!;
        GiveMemoryBack();
        string memoryWork = $"{study.Train.Users.Count:N0} rows × 64 floats";
        rows.Add(new("random row updates, 1 thread (memory reference)", memoryWork, double.NaN, $"{memoryOne / 1e6:F1} M rows/s", "reference",
            "read-modify-write of a random 256-B row, on huge pages; a BPR sample updates three such rows"));
        rows.Add(new($"random row updates, {cores} threads (memory reference)", memoryWork, double.NaN, $"{memoryAll / 1e6:F1} M rows/s", $"{memoryAll / memoryOne:F2}× 1 thread"));

        const int Epochs = 6;
        double hogwildRate = double.NaN;
        var deterministic = new Dictionary<int, double>();
        foreach (var (threads, schedule, label) in new[]
        {
            (0, BprSchedule.Hogwild, $"BPR epochs, Hogwild, {cores} threads (reference)"),
            (0, BprSchedule.Deterministic, $"BPR epochs, deterministic, {cores} threads"),
            (1, BprSchedule.Deterministic, "BPR epochs, deterministic, 1 thread"),
        })
        {
            var laps = new EpochLaps();
            new BlairClipContext(seed: 42, laps).Recommenders.Bpr(new BprOptions { Factors = 64, Epochs = Epochs, Threads = threads, Schedule = schedule }).Fit(study.Train);
            GiveMemoryBack();
            var later = laps.Seconds.Skip(1).Order().ToArray();
            double median = later[later.Length / 2], rate = samples / median;
            if (schedule == BprSchedule.Hogwild) hogwildRate = rate;
            else deterministic[threads == 0 ? cores : threads] = rate;
            rows.Add(new(label, $"{samples / 1e6:F2} M samples/epoch", median, $"{rate / 1e6:F2} M samples/s",
                schedule == BprSchedule.Hogwild ? "reference" : $"{rate / hogwildRate:F2}× Hogwild",
                $"median of epochs 2–{Epochs}; epoch 1 {laps.Seconds[0]:F2} s, initialisation {laps.StartSeconds:F2} s"));
        }
        rows.Add(new($"BPR deterministic, {cores} threads ÷ 1 thread", "", double.NaN, "", $"{deterministic[cores] / deterministic[1]:F2}×",
            $"memory reference in the same run: {memoryAll / memoryOne:F2}×"));
        rows.Add(new("peak RSS (whole bench)", "", double.NaN, $"{BenchTable.PeakRssBytes() / 1e9:F2} GB", ""));

        BenchTable.Write(rows, output);
        return 0;

        // Each standalone row's model is garbage once measured: collected before the next is built, as the study does
        // between models, so that the bench's peak is the largest row's, not the sum of every row's garbage.
        static void GiveMemoryBack() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private static (EvaluationResult Result, double Seconds) Evaluate(BlairClipContext bc, IRecommender model, IReadOnlyList<HeldOutItem> cases,
        UserHistories histories, RankingPath path, int users)
    {
        var evaluator = bc.Evaluation.Ranking(new RankingEvaluationOptions { Path = path });
        var w = Stopwatch.StartNew();
        var result = evaluator.Evaluate(model, cases, histories, users);
        return (result, w.Elapsed.TotalSeconds);
    }

    /// <summary>libtorch's float32 matmul rate for [m, k] × [k, n], best of 5 after a warm-up.</summary>
    private static double GemmGflops(int m, int k, int n)
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.rand(m, k);
        var b = torch.rand(k, n);
        torch.matmul(a, b).Dispose();
        double best = double.MaxValue;
        for (int r = 0; r < 5; r++)
        {
            var w = Stopwatch.StartNew();
            torch.matmul(a, b).Dispose();
            best = Math.Min(best, w.Elapsed.TotalSeconds);
        }
        return 2.0 * m * k * n / best / 1e9;
    }
}

/// <summary>Times the epochs of a fit from its progress reports: <see cref="StartSeconds"/> from construction to the
/// stage's start (initialisation), then one lap per <see cref="IProgressTask.Advance"/>.</summary>
internal sealed class EpochLaps : IProgressReporter, IProgressTask
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    public double StartSeconds { get; private set; }
    public List<double> Seconds { get; } = new();

    public IProgressTask Start(string stage, long total) { StartSeconds = _watch.Elapsed.TotalSeconds; _watch.Restart(); return this; }
    public void Advance(long steps = 1) { Seconds.Add(_watch.Elapsed.TotalSeconds); _watch.Restart(); }
    public void Dispose() { }
}
