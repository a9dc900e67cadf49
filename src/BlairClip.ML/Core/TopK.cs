namespace BlairClip.ML.Core;

/// <summary>The <c>k</c> best items of a score row from a bounded heap (O(items · log k), no full sort), in the order the
/// evaluator ranks: higher score first (by <see cref="float.CompareTo(float)"/>, so NaN is below every number), equal
/// scores by ascending item index.</summary>
public static class TopK
{
    /// <summary>Item indices of the <paramref name="k"/> best scores not in <paramref name="excluded"/>, best first.</summary>
    public static int[] Select(ReadOnlySpan<float> scores, int k, IReadOnlySet<int>? excluded = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (k == 0) return [];
        // A min-heap on (score, -index): its root is the worst kept item, replaced when a better one comes.
        var heap = new PriorityQueue<int, (float Score, int Index)>(k + 1, Worse.Instance);
        for (int i = 0; i < scores.Length; i++)
        {
            if (excluded is not null && excluded.Contains(i)) continue;
            if (heap.Count < k) { heap.Enqueue(i, (scores[i], i)); continue; }
            heap.TryPeek(out _, out var worst);
            if (Worse.Instance.Compare(worst, (scores[i], i)) < 0) heap.DequeueEnqueue(i, (scores[i], i));
        }
        var result = new int[heap.Count];
        for (int n = result.Length - 1; n >= 0; n--) result[n] = heap.Dequeue();
        return result;
    }

    /// <summary>Orders (score, index) from worst to best: lower score first; on equal scores the higher index is worse.</summary>
    private sealed class Worse : IComparer<(float Score, int Index)>
    {
        public static readonly Worse Instance = new();

        public int Compare((float Score, int Index) a, (float Score, int Index) b)
        {
            int c = a.Score.CompareTo(b.Score);
            return c != 0 ? c : b.Index.CompareTo(a.Index);
        }
    }
}
