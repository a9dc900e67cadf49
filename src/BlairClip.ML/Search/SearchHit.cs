namespace BlairClip.ML.Search;

/// <summary>One result of a <see cref="VectorSearchIndex"/> search: the item's <see cref="Row"/> in the indexed matrix
/// and its <see cref="Score"/>, the inner product of the query with that row.</summary>
/// <param name="Row">The row index of the item in the matrix the index was built over.</param>
/// <param name="Score">query · row (the cosine similarity when both are L2-normalised).</param>
public readonly record struct SearchHit(int Row, float Score)
{
    /// <summary>Whether <paramref name="a"/> ranks before <paramref name="b"/>: higher score first (by
    /// <see cref="float.CompareTo(float)"/>, so NaN is below every number, as in <see cref="Core.TopK"/>), equal scores by
    /// lower row.</summary>
    public static bool Before(in SearchHit a, in SearchHit b)
    {
        int c = a.Score.CompareTo(b.Score);
        return c > 0 || (c == 0 && a.Row < b.Row);
    }
}
