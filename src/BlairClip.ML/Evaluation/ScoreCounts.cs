using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BlairClip.ML.Evaluation;

/// <summary>The evaluator's hot loop: how many scores of a row lie strictly above, and exactly at, the
/// held-out item's score.</summary>
public static class ScoreCounts
{
    /// <summary>Counts the entries of <paramref name="scores"/> that are <c>&gt; target</c> and
    /// <c>== target</c>, in one pass. NaN entries are neither (IEEE comparisons with NaN are false), so a NaN
    /// score sits below every number; callers that treat NaN as −∞ pass −∞ for a NaN target and count the
    /// NaN entries as equal (<see cref="RankingEvaluator"/> does).</summary>
    /// <remarks>Vectorised with <see cref="Vector512"/> (or <see cref="Vector256"/>/<see cref="Vector128"/>
    /// where that is the widest accelerated width): each comparison yields all-ones lanes (−1 as int), which are
    /// subtracted from per-lane counters, so the loop has no branches and no horizontal work until the end.
    /// Two independent accumulator pairs hide the compare latency. A lane counts at most
    /// <c>scores.Length / 16</c>, far from overflow.</remarks>
    /// <returns>(Higher, Equal) over the whole span; the target's own entry, if present, is in Equal.</returns>
    public static (int Higher, int Equal) CountHigherEqual(ReadOnlySpan<float> scores, float target)
    {
        ref float start = ref MemoryMarshal.GetReference(scores);
        int n = scores.Length, i = 0, higher = 0, equal = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            const int W = 16;
            var t = Vector512.Create(target);
            Vector512<int> gtA = default, eqA = default, gtB = default, eqB = default;
            for (; i <= n - 2 * W; i += 2 * W)
            {
                var a = Vector512.LoadUnsafe(ref start, (nuint)i);
                var b = Vector512.LoadUnsafe(ref start, (nuint)(i + W));
                gtA -= Vector512.GreaterThan(a, t).AsInt32();
                eqA -= Vector512.Equals(a, t).AsInt32();
                gtB -= Vector512.GreaterThan(b, t).AsInt32();
                eqB -= Vector512.Equals(b, t).AsInt32();
            }
            for (; i <= n - W; i += W)
            {
                var a = Vector512.LoadUnsafe(ref start, (nuint)i);
                gtA -= Vector512.GreaterThan(a, t).AsInt32();
                eqA -= Vector512.Equals(a, t).AsInt32();
            }
            higher = Vector512.Sum(gtA + gtB);
            equal = Vector512.Sum(eqA + eqB);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            const int W = 8;
            var t = Vector256.Create(target);
            Vector256<int> gtA = default, eqA = default, gtB = default, eqB = default;
            for (; i <= n - 2 * W; i += 2 * W)
            {
                var a = Vector256.LoadUnsafe(ref start, (nuint)i);
                var b = Vector256.LoadUnsafe(ref start, (nuint)(i + W));
                gtA -= Vector256.GreaterThan(a, t).AsInt32();
                eqA -= Vector256.Equals(a, t).AsInt32();
                gtB -= Vector256.GreaterThan(b, t).AsInt32();
                eqB -= Vector256.Equals(b, t).AsInt32();
            }
            for (; i <= n - W; i += W)
            {
                var a = Vector256.LoadUnsafe(ref start, (nuint)i);
                gtA -= Vector256.GreaterThan(a, t).AsInt32();
                eqA -= Vector256.Equals(a, t).AsInt32();
            }
            higher = Vector256.Sum(gtA + gtB);
            equal = Vector256.Sum(eqA + eqB);
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            const int W = 4;
            var t = Vector128.Create(target);
            Vector128<int> gt = default, eq = default;
            for (; i <= n - W; i += W)
            {
                var a = Vector128.LoadUnsafe(ref start, (nuint)i);
                gt -= Vector128.GreaterThan(a, t).AsInt32();
                eq -= Vector128.Equals(a, t).AsInt32();
            }
            higher = Vector128.Sum(gt);
            equal = Vector128.Sum(eq);
        }
        for (; i < n; i++)
        {
            float s = Unsafe.Add(ref start, i);
            higher += s > target ? 1 : 0;
            equal += s == target ? 1 : 0;
        }
        return (higher, equal);
    }
}
