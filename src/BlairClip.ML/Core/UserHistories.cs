namespace BlairClip.ML.Core;

/// <summary>Per-user item lists in CSR layout (row = user index, entries = item indices, ascending and
/// unique within a row). Used to mask seen items and to build content profiles.</summary>
public sealed class UserHistories
{
    private readonly int[] _offsets, _items;

    public UserHistories(int[] offsets, int[] items)
    {
        if (offsets.Length == 0 || offsets[0] != 0 || offsets[^1] != items.Length)
            throw new ArgumentException("Malformed history offsets.");
        _offsets = offsets; _items = items;
    }

    public int UserCount => _offsets.Length - 1;
    public ReadOnlySpan<int> Offsets => _offsets;
    public ReadOnlySpan<int> AllItems => _items;

    /// <summary>The distinct items of <paramref name="user"/>, ascending; empty for an unknown user.</summary>
    public ReadOnlySpan<int> this[int user] =>
        (uint)user < (uint)UserCount ? _items.AsSpan(_offsets[user], _offsets[user + 1] - _offsets[user]) : default;

    public ReadOnlyMemory<int> Memory(int user) =>
        (uint)user < (uint)UserCount ? _items.AsMemory(_offsets[user], _offsets[user + 1] - _offsets[user]) : default;

    /// <summary>Builds the distinct (user, item) sets of <paramref name="events"/>.</summary>
    public static UserHistories From(Interactions events, int userCount)
    {
        var sets = new List<int>[userCount];
        for (int k = 0; k < events.Count; k++)
            (sets[events.User[k]] ??= new()).Add(events.Item[k]);
        var offsets = new int[userCount + 1];
        var items = new List<int>(events.Count);
        for (int u = 0; u < userCount; u++)
        {
            if (sets[u] is { } s)
            {
                s.Sort();
                int last = -1;
                foreach (var i in s) if (i != last) { items.Add(i); last = i; }
            }
            offsets[u + 1] = items.Count;
        }
        return new UserHistories(offsets, items.ToArray());
    }
}
