namespace BlairClip.ML.Core;

/// <summary>An immutable list of (user, item, timestamp, rating) events in file order, users and items as
/// dense indices. <see cref="Rating"/> is NaN where the source has none; <see cref="Review"/> is the review text of each
/// event when the loader was asked for it (Amazon's <c>data.review_text</c>), else null.</summary>
public sealed class Interactions
{
    public Interactions(int[] user, int[] item, long[] timestamp, float[] rating, string[]? review = null)
    {
        if (item.Length != user.Length || timestamp.Length != user.Length || rating.Length != user.Length || review is not null && review.Length != user.Length)
            throw new ArgumentException("Interaction arrays must have equal lengths.");
        User = user; Item = item; Timestamp = timestamp; Rating = rating; Review = review;
    }

    public int[] User { get; }
    public int[] Item { get; }
    public long[] Timestamp { get; }
    public float[] Rating { get; }
    /// <summary>Review text per event ("" where a review has none), or null when review texts were not loaded.</summary>
    public string[]? Review { get; }
    public int Count => User.Length;

    public static readonly Interactions Empty = new([], [], [], []);

    /// <summary>The rows whose index is in <paramref name="rows"/>, in that order.</summary>
    public Interactions Select(ReadOnlySpan<int> rows)
    {
        var u = new int[rows.Length]; var i = new int[rows.Length]; var t = new long[rows.Length]; var r = new float[rows.Length];
        var text = Review is null ? null : new string[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            int row = rows[k];
            u[k] = User[row]; i[k] = Item[row]; t[k] = Timestamp[row]; r[k] = Rating[row];
            if (text is not null) text[k] = Review![row];
        }
        return new Interactions(u, i, t, r, text);
    }

    /// <summary>These events followed by <paramref name="other"/>'s (review texts kept when either has them, "" for the
    /// other's events).</summary>
    public Interactions Concat(Interactions other) => new(
        [.. User, .. other.User], [.. Item, .. other.Item], [.. Timestamp, .. other.Timestamp], [.. Rating, .. other.Rating],
        Review is null && other.Review is null ? null : [.. Review ?? Blank(Count), .. other.Review ?? Blank(other.Count)]);

    private static string[] Blank(int n)
    {
        var blank = new string[n];
        Array.Fill(blank, "");
        return blank;
    }
}
