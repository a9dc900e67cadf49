using System.Diagnostics;
using System.Numerics.Tensors;
using BlairClip.ML.Core;

namespace BlairClip.Cli;

/// <summary><c>bench</c>'s memory reference for BPR: read-modify-writes of whole rows picked at random from a table the
/// size of BPR's user factors (on huge pages, as BPR's are), with next to no arithmetic — what this machine's memory
/// gives per thread count, measured in the same run as BPR's epochs. A BPR step is mostly three such row updates, so where
/// this reference gains little from a second thread, BPR cannot gain much either.</summary>
internal sealed class RandomRowUpdates(int rows, int rowLength)
{
    private readonly float[] _table = Touched(rows * rowLength);

    /// <summary>Row updates per second with <paramref name="threads"/> threads, each making
    /// <paramref name="updatesPerThread"/>: the median of three runs.</summary>
    public double PerSecond(int threads, int updatesPerThread)
    {
        var runs = new double[3];
        for (int r = 0; r < runs.Length; r++)
        {
            var watch = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => Update(t + 1, updatesPerThread));
            runs[r] = (double)threads * updatesPerThread / watch.Elapsed.TotalSeconds;
        }
        Array.Sort(runs);
        return runs[1];
    }

    private void Update(int stream, int updates)
    {
        var table = _table.AsSpan();
        ulong x = 0x9E3779B97F4A7C15UL * (ulong)stream; // xorshift64: any well-spread sequence of rows will do
        for (int n = 0; n < updates; n++)
        {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            var row = table.Slice((int)(x % (ulong)rows) * rowLength, rowLength);
            TensorPrimitives.Multiply(row, 0.999f, row);
        }
    }

    /// <summary>A table on huge pages with every page already touched, so that page faults are not timed.</summary>
    private static float[] Touched(int length)
    {
        var table = HugePages.Allocate<float>(length);
        table.AsSpan().Fill(1f);
        return table;
    }
}
