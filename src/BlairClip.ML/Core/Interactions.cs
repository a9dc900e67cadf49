namespace BlairClip.ML.Core;

/// <summary>An immutable list of (user, item, timestamp, rating) events in file order, users and items as
/// dense indices. <see cref="Rating"/> is NaN where the source has none.</summary>
public sealed class Interactions
{
    public Interactions(int[] user, int[] item, long[] timestamp, float[] rating)
    {
        if (item.Length != user.Length || timestamp.Length != user.Length || rating.Length != user.Length)
            throw new ArgumentException("Interaction arrays must have equal lengths.");
        User = user; Item = item; Timestamp = timestamp; Rating = rating;
    }

    public int[] User { get; }
    public int[] Item { get; }
    public long[] Timestamp { get; }
    public float[] Rating { get; }
    public int Count => User.Length;

    public static readonly Interactions Empty = new([], [], [], []);

    /// <summary>The rows whose index is in <paramref name="rows"/>, in that order.</summary>
    public Interactions Select(ReadOnlySpan<int> rows)
    {
        var u = new int[rows.Length]; var i = new int[rows.Length]; var t = new long[rows.Length]; var r = new float[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            int row = rows[k];
            u[k] = User[row]; i[k] = Item[row]; t[k] = Timestamp[row]; r[k] = Rating[row];
        }
        return new Interactions(u, i, t, r);
    }

    /// <summary>These events followed by <paramref name="other"/>'s.</summary>
    public Interactions Concat(Interactions other) => new(
        [.. User, .. other.User], [.. Item, .. other.Item], [.. Timestamp, .. other.Timestamp], [.. Rating, .. other.Rating]);
}
