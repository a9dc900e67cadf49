namespace BlairClip.ML.Evaluation.Metrics;

/// <summary>AUC of one held-out item against the other candidates: the fraction of them ranked below it,
/// 1 − (r − 1)/(candidates − 1). Linear in r, so over equally likely ranks it is the value at the mean rank
/// (first + last)/2. A user whose only candidate is the held-out item gets 1 (nothing is ranked above it).</summary>
public sealed class Auc : RankingMetric
{
    public override string Name => "AUC";

    protected override double MeanCore(long first, long last, long candidates)
    {
        if (candidates <= 1) return 1.0;
        double meanRank = (first + last) / 2.0;
        return 1.0 - (meanRank - 1.0) / (candidates - 1);
    }
}
