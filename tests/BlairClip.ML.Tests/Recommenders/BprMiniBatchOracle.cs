using System.Runtime.Intrinsics;
using BlairClip.ML.Core;
using BlairClip.ML.Recommenders;

namespace BlairClip.ML.Tests.Recommenders;

/// <summary>
/// The straightforward form of BPR's deterministic schedule, kept as the oracle of the optimised
/// <c>BprMiniBatches</c> (staged prefetching, per-member row counts, in-place updates, a lock-step team): one thread;
/// per mini-batch of 1,024 draws, every sample's updates computed from the factors as they stood at the batch's start,
/// then applied in sample order. The draws and the arithmetic are the schedule's definition: draw s of epoch e is
/// SplitMix64 of (seed, e, s), the dot product runs over 8-float lanes as the product's does.
/// </summary>
internal static class BprMiniBatchOracle
{
    private const int Batch = 1024;

    public static void Train(BprOptions o, Interactions train, UserHistories histories, int items, int seed, float[] p, float[] q, float[] bias)
    {
        int k = o.Factors, n = train.Count;
        float lr = o.LearningRate, reg = o.Regularization, regB = o.BiasRegularization;
        for (int epoch = 0; epoch < o.Epochs; epoch++)
        {
            ulong stream = (ulong)(uint)seed << 32 ^ (uint)epoch;
            for (int start = 0; start < n; start += Batch)
            {
                var updates = new List<(int U, int I, int J, float[] Dp, float[] Di, float[] Dj, float Dbi, float Dbj)>();
                for (int s = start; s < Math.Min(n, start + Batch); s++)
                {
                    int row = (int)(Mix(stream, 2 * (ulong)s) % (ulong)n);
                    int u = train.User[row], i = train.Item[row];
                    var history = histories[u];
                    int j = -1;
                    if (history.Length < items)
                        for (ulong attempt = 0; attempt < 64; attempt++)
                        {
                            int candidate = (int)(Mix(stream, 2 * (ulong)s + 1 + (attempt << 40)) % (ulong)items);
                            if (history.BinarySearch(candidate) < 0) { j = candidate; break; }
                        }
                    if (j < 0) continue;
                    var pu = p.AsSpan(u * k, k);
                    var qi = q.AsSpan(i * k, k);
                    var qj = q.AsSpan(j * k, k);
                    var acc = Vector256<float>.Zero;
                    int f = 0;
                    for (; f + 8 <= k; f += 8) acc += Vector256.Create(pu[f..]) * (Vector256.Create(qi[f..]) - Vector256.Create(qj[f..]));
                    float dot = Vector256.Sum(acc);
                    for (; f < k; f++) dot += pu[f] * (qi[f] - qj[f]);
                    float g = 1f / (1f + MathF.Exp(bias[i] - bias[j] + dot));
                    var dp = new float[k]; var di = new float[k]; var dj = new float[k];
                    for (f = 0; f < k; f++)
                    {
                        dp[f] = lr * (g * (qi[f] - qj[f]) - reg * pu[f]);
                        di[f] = lr * (g * pu[f] - reg * qi[f]);
                        dj[f] = lr * (-g * pu[f] - reg * qj[f]);
                    }
                    updates.Add((u, i, j, dp, di, dj, lr * (g - regB * bias[i]), lr * (-g - regB * bias[j])));
                }
                foreach (var (u, i, j, dp, di, dj, dbi, dbj) in updates)
                {
                    for (int f = 0; f < k; f++) p[u * k + f] += dp[f];
                    for (int f = 0; f < k; f++) q[i * k + f] += di[f];
                    bias[i] += dbi;
                    for (int f = 0; f < k; f++) q[j * k + f] += dj[f];
                    bias[j] += dbj;
                }
            }
        }
    }

    private static ulong Mix(ulong stream, ulong counter)
    {
        ulong z = stream * 0x9E3779B97F4A7C15UL + counter * 0xD1B54A32D192ED03UL + 0x632BE59BD9B4E019UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
