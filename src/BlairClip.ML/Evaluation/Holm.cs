namespace BlairClip.ML.Evaluation;

/// <summary>Holm's step-down correction of p-values for several comparisons (controls the family-wise error).</summary>
public static class Holm
{
    /// <summary>Adjusted p-values, in the input order: sorted ascending, p_(i)·(m − i + 1), made monotone, capped at 1.
    /// NaN p-values are left out of the family and stay NaN.</summary>
    public static double[] Adjust(IReadOnlyList<double> p)
    {
        var idx = Enumerable.Range(0, p.Count).Where(i => !double.IsNaN(p[i])).OrderBy(i => p[i]).ToArray();
        var adjusted = Enumerable.Repeat(double.NaN, p.Count).ToArray();
        double running = 0;
        for (int r = 0; r < idx.Length; r++)
        {
            running = Math.Max(running, Math.Min(1, (idx.Length - r) * p[idx[r]]));
            adjusted[idx[r]] = running;
        }
        return adjusted;
    }
}
