namespace BlairClip.ML.Evaluation;

/// <summary>The ranks a tie rule gives a held-out item.</summary>
public static class TieRules
{
    /// <summary>The equally likely 1-based ranks first … last of a held-out item with <paramref name="higher"/> candidates
    /// scoring above it and <paramref name="equal"/> others scoring exactly like it: optimistic h + 1, pessimistic
    /// h + e + 1, average the whole range.</summary>
    public static (long First, long Last) RankRange(this TieRule rule, int higher, int equal) => rule switch
    {
        TieRule.Optimistic => (higher + 1L, higher + 1L),
        TieRule.Pessimistic => (higher + (long)equal + 1, higher + (long)equal + 1),
        _ => (higher + 1L, higher + (long)equal + 1),
    };
}
