namespace BlairClip.ML.Search;

/// <summary>Turns one query input — a text, or an image file path — into a vector of one item column's space (the space
/// the item rows of that column live in).</summary>
public interface IQueryEncoder : IDisposable
{
    /// <summary>The vector of <paramref name="input"/> (a text for text encoders, an image path for image encoders).</summary>
    float[] Encode(string input);
}
