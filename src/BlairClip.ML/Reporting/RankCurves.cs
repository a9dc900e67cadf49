using BlairClip.ML.Evaluation;
using BlairClip.ML.Evaluation.Metrics;

namespace BlairClip.ML.Reporting;

/// <summary>Recall@K and NDCG@K of one model for every K = 1 … <see cref="MaxK"/>, from its test users' ranks under
/// the study's tie rule. Each user's values are the table metrics' (<see cref="RecallAtK"/>, <see cref="NdcgAtK"/>: the
/// mean over the equally likely ranks first … last) in closed form — counts of ranks ≤ K and prefix sums of 1/log2(r + 1)
/// — so a curve costs O(users × K), not O(users × K²), and passes through the table's Recall@10 and NDCG@10.</summary>
/// <param name="Recall">Recall[K − 1] = mean Recall@K over the test users.</param>
/// <param name="Ndcg">Ndcg[K − 1] = mean NDCG@K over the test users.</param>
public sealed record RankCurves(double[] Recall, double[] Ndcg)
{
    /// <summary>The deepest cutoff plotted (K = 1 … 100).</summary>
    public const int MaxK = 100;

    /// <summary>The curves of <paramref name="evaluation"/> ranked with <paramref name="ties"/>.</summary>
    public static RankCurves Compute(EvaluationResult evaluation, TieRule ties, int maxK = MaxK)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxK);
        var recall = new double[maxK];
        var ndcg = new double[maxK];
        // gain[r] = Σ_{i ≤ r} 1/log2(i + 1) (NdcgAtK sums the same terms deepest first: equal to ~1e-15).
        var gain = new double[maxK + 1];
        for (int r = 1; r <= maxK; r++) gain[r] = gain[r - 1] + 1.0 / Math.Log2(r + 1);
        foreach (var u in evaluation.PerUser)
        {
            var (first, last) = ties.RankRange(u.Higher, u.Equal);
            if (first > maxK) continue; // every value at every K is 0
            double width = last - first + 1;
            for (int k = (int)first; k <= maxK; k++)
            {
                long end = Math.Min(last, k);
                recall[k - 1] += (end - first + 1) / width;
                ndcg[k - 1] += (gain[end] - gain[first - 1]) / width;
            }
        }
        for (int k = 0; k < maxK; k++) { recall[k] /= evaluation.Users; ndcg[k] /= evaluation.Users; }
        return new RankCurves(recall, ndcg);
    }
}
