namespace BlairClip.ML.Evaluation;

/// <summary>
/// Seeded percentile-bootstrap 95 % intervals of the means of several columns of per-user values at once. Every interval
/// of a study uses the same seed over the same n users, so every column would draw the same users: the draws are made
/// once per pass, a block at a time, and each block is summed into all the pass's columns, four columns per sweep (four
/// independent chains of additions), instead of one full stream of 1,000 × n draws per model and metric (at Appliances
/// scale 18 × 247 M draws). The columns are split among threads, each drawing the same stream. Each column's sums are made in
/// draw order, as one column alone would: the intervals are bit-identical to
/// one column's straightforward loop (kept in the tests as the oracle).
/// </summary>
internal static class BootstrapIntervals
{
    // Draws made at a time, then summed into every column of the pass (the columns stay in cache; the draws are reused).
    private const int Block = 4096;

    /// <summary>The interval of the mean of each column (all of one length), drawn from <c>new Random(seed)</c>:
    /// resample s adds the values of draws s·n … s·n + n − 1 (<see cref="Random.Next(int)"/> of n) and divides by n; the
    /// interval is the 2.5th and 97.5th percentiles of the resample means.</summary>
    /// <param name="threads">Threads to share the columns among; 0 = all cores.</param>
    public static (double Lower, double Upper)[] OfMeans(IReadOnlyList<double[]> columns, int resamples, int seed, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        if (columns.Count == 0) return [];
        int n = columns[0].Length;
        foreach (var c in columns)
            if (c.Length != n) throw new ArgumentException($"The columns must have one length, but they have {n} and {c.Length} values.", nameof(columns));
        // One group of columns per thread, each a pass with its own (identical) stream of draws.
        int parallel = Math.Max(1, threads > 0 ? threads : Environment.ProcessorCount);
        int groups = Math.Min(columns.Count, parallel);
        var intervals = new (double, double)[columns.Count];
        Parallel.For(0, groups, new ParallelOptions { MaxDegreeOfParallelism = parallel }, g =>
        {
            int lo = columns.Count * g / groups, hi = columns.Count * (g + 1) / groups;
            var result = Pass(columns, lo, hi, n, resamples, seed);
            for (int c = lo; c < hi; c++) intervals[c] = result[c - lo];
        });
        return intervals;
    }

    private static (double, double)[] Pass(IReadOnlyList<double[]> columns, int lo, int hi, int n, int resamples, int seed)
    {
        int width = hi - lo;
        var means = new double[width][];
        for (int c = 0; c < width; c++) means[c] = new double[resamples];
        var rng = new Random(seed);
        var drawn = new int[Math.Min(Block, Math.Max(1, n))];
        var sums = new double[width];
        for (int s = 0; s < resamples; s++)
        {
            Array.Clear(sums);
            for (int start = 0; start < n; start += drawn.Length)
            {
                int count = Math.Min(drawn.Length, n - start);
                for (int k = 0; k < count; k++) drawn[k] = rng.Next(n);
                var block = drawn.AsSpan(0, count);
                // Four columns per sweep: four independent chains of additions instead of one.
                int c = 0;
                for (; c + 4 <= width; c += 4)
                {
                    double[] x0 = columns[lo + c], x1 = columns[lo + c + 1], x2 = columns[lo + c + 2], x3 = columns[lo + c + 3];
                    double s0 = sums[c], s1 = sums[c + 1], s2 = sums[c + 2], s3 = sums[c + 3];
                    foreach (int u in block) { s0 += x0[u]; s1 += x1[u]; s2 += x2[u]; s3 += x3[u]; }
                    sums[c] = s0; sums[c + 1] = s1; sums[c + 2] = s2; sums[c + 3] = s3;
                }
                for (; c < width; c++)
                {
                    double[] x = columns[lo + c];
                    double sum = sums[c];
                    foreach (int u in block) sum += x[u];
                    sums[c] = sum;
                }
            }
            for (int c = 0; c < width; c++) means[c][s] = sums[c] / n;
        }
        return means.Select(Interval).ToArray();
    }

    internal static (double Lower, double Upper) Interval(double[] means)
    {
        Array.Sort(means);
        return (PairedComparison.Percentile(means, 0.025), PairedComparison.Percentile(means, 0.975));
    }
}
