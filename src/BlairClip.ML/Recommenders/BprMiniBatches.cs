using System.Runtime.Intrinsics;
using BlairClip.ML.Core;

namespace BlairClip.ML.Recommenders;

/// <summary>
/// BPR's deterministic parallel schedule (<see cref="BprSchedule.Deterministic"/>): each epoch draws as many samples as
/// there are training interactions, in mini-batches of <see cref="Batch"/>. Within a batch every sample's gradient is
/// computed — on all threads — from the factors as they stood at the batch's start; then the updates are applied in
/// sample order on one thread. Draw s of epoch e (its training row and its negatives) is a fixed function of
/// (seed, e, s) (SplitMix64), so which thread computes what does not matter: the factors are bit-identical for a seed
/// whatever the thread count. Negatives are uniform over the whole catalog, redrawn (up to 64 times) while in the
/// user's history, as in the sequential schedule.
/// </summary>
internal sealed class BprMiniBatches(BprOptions options, Interactions train, UserHistories histories, int items, int seed, int threads)
{
    /// <summary>Samples per mini-batch: small next to the catalog (few samples of a batch share a row), large enough to
    /// amortise the fork and join.</summary>
    public const int Batch = 1024;

    public void Train(float[] p, float[] q, float[] bias, IProgressTask progress)
    {
        int k = options.Factors, n = train.Count;
        var gp = new float[Batch * k];
        var gi = new float[Batch * k];
        var gj = new float[Batch * k];
        var gb = new float[Batch * 2];
        var rows = new (int U, int I, int J)[Batch];
        int chunks = Math.Max(1, Math.Min(threads, 8));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        var offsets = histories.Offsets.ToArray();
        var seen = histories.AllItems.ToArray();
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            ulong stream = (ulong)(uint)seed << 32 ^ (uint)epoch;
            for (int start = 0; start < n; start += Batch)
            {
                int count = Math.Min(Batch, n - start);
                void Compute(int c)
                {
                    int from = count * c / chunks, to = count * (c + 1) / chunks;
                    // Draw the positives first, so that each sample's rows can be fetched from memory a few samples ahead.
                    for (int r = from; r < to; r++)
                    {
                        int row = (int)(Mix(stream, 2 * (ulong)(start + r)) % (ulong)n);
                        rows[r] = (train.User[row], train.Item[row], -1);
                    }
                    for (int r = from; r < to; r++)
                    {
                        long s = start + r;
                        if (r + 4 < to) Prefetch(p, q, offsets, k, rows[r + 4]);
                        var (u, i, _) = rows[r];
                        var history = seen.AsSpan(offsets[u], offsets[u + 1] - offsets[u]);
                        int j = -1;
                        if (history.Length < items)
                            for (ulong attempt = 0; attempt < 64; attempt++)
                            {
                                int candidate = (int)(Mix(stream, 2 * (ulong)s + 1 + (attempt << 40)) % (ulong)items);
                                if (history.BinarySearch(candidate) < 0) { j = candidate; break; }
                            }
                        rows[r] = (u, i, j);
                        if (j >= 0) Gradient(p.AsSpan(u * k, k), q.AsSpan(i * k, k), q.AsSpan(j * k, k), bias[i], bias[j],
                            gp.AsSpan(r * k, k), gi.AsSpan(r * k, k), gj.AsSpan(r * k, k), gb.AsSpan(2 * r, 2));
                    }
                }
                if (chunks == 1 || count < 64) for (int c = 0; c < chunks; c++) Compute(c);
                else Parallel.For(0, chunks, parallel, Compute);
                // Applied in sample order per row: thread c owns the rows ≡ c (mod chunks), so a row shared by samples of one
                // batch gets its updates in sample order whatever the number of threads.
                void Apply(int c)
                {
                    for (int r = 0; r < count; r++)
                    {
                        var (u, i, j) = rows[r];
                        if (j < 0) continue;
                        if (u % chunks == c) Add(p.AsSpan(u * k, k), gp.AsSpan(r * k, k));
                        if (i % chunks == c) { Add(q.AsSpan(i * k, k), gi.AsSpan(r * k, k)); bias[i] += gb[2 * r]; }
                        if (j % chunks == c) { Add(q.AsSpan(j * k, k), gj.AsSpan(r * k, k)); bias[j] += gb[2 * r + 1]; }
                    }
                }
                if (chunks == 1 || count < 64) for (int c = 0; c < chunks; c++) Apply(c);
                else Parallel.For(0, chunks, parallel, Apply);
            }
            progress.Advance();
        }
    }

    /// <summary>The SGD step's updates of −ln σ(x_ui − x_uj) at the batch's factors (as <see cref="BprMatrixFactorization"/>'s
    /// sequential step): dp = η(g(q_i − q_j) − λp_u), dq_i = η(g p_u − λq_i), dq_j = η(−g p_u − λq_j), db_i = η(g − λ_b b_i),
    /// db_j = η(−g − λ_b b_j), with g = σ(−(x_ui − x_uj)).</summary>
    private void Gradient(ReadOnlySpan<float> pu, ReadOnlySpan<float> qi, ReadOnlySpan<float> qj, float bi, float bj,
        Span<float> dp, Span<float> di, Span<float> dj, Span<float> db)
    {
        float lr = options.LearningRate, reg = options.Regularization, regB = options.BiasRegularization;
        int n = pu.Length, f = 0;
        var acc = Vector256<float>.Zero;
        for (; f + 8 <= n; f += 8) acc += Vector256.Create(pu[f..]) * (Vector256.Create(qi[f..]) - Vector256.Create(qj[f..]));
        float dot = Vector256.Sum(acc);
        for (int r = f; r < n; r++) dot += pu[r] * (qi[r] - qj[r]);
        float g = 1f / (1f + MathF.Exp(bi - bj + dot));
        var vlr = Vector256.Create(lr);
        var vg = Vector256.Create(g);
        var vreg = Vector256.Create(reg);
        for (f = 0; f + 8 <= n; f += 8)
        {
            var u = Vector256.Create(pu[f..]);
            var a = Vector256.Create(qi[f..]);
            var c = Vector256.Create(qj[f..]);
            (vlr * (vg * (a - c) - vreg * u)).CopyTo(dp[f..]);
            (vlr * (vg * u - vreg * a)).CopyTo(di[f..]);
            (vlr * (-vg * u - vreg * c)).CopyTo(dj[f..]);
        }
        for (; f < n; f++)
        {
            dp[f] = lr * (g * (qi[f] - qj[f]) - reg * pu[f]);
            di[f] = lr * (g * pu[f] - reg * qi[f]);
            dj[f] = lr * (-g * pu[f] - reg * qj[f]);
        }
        db[0] = lr * (g - regB * bi);
        db[1] = lr * (-g - regB * bj);
    }

    private static unsafe void Prefetch(float[] p, float[] q, int[] offsets, int k, (int U, int I, int J) next)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        fixed (float* pp = p)
        fixed (float* qq = q)
        fixed (int* oo = offsets)
        {
            for (int off = 0; off < k; off += 16)
            {
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(pp + (long)next.U * k + off);
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(qq + (long)next.I * k + off);
            }
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(oo + next.U);
        }
    }

    private static void Add(Span<float> target, ReadOnlySpan<float> delta) =>
        System.Numerics.Tensors.TensorPrimitives.Add(target, delta, target);

    /// <summary>Draw <paramref name="counter"/> of <paramref name="stream"/>: a fixed function, the same in every process.</summary>
    private static ulong Mix(ulong stream, ulong counter) =>
        SplitMix64.Finalize(stream * 0x9E3779B97F4A7C15UL + counter * 0xD1B54A32D192ED03UL + 0x632BE59BD9B4E019UL);
}
