using BlairClip.ML.Core;
using BlairClip.ML.Data;

namespace BlairClip.ML.Split;

/// <summary>Options of <see cref="LeaveOneOutSplit"/> (YAML <c>split: { method: leave_one_out, … }</c>).</summary>
public sealed record LeaveOneOutOptions
{
    /// <summary>(bool) Also hold out each user's second-to-last event as the validation item.</summary>
    public bool Validation { get; init; } = false;
}

/// <summary>Leave-one-out by time: each user's events are ordered by timestamp (a stable sort, so equal timestamps
/// keep file order); the last goes to test and, with <see cref="LeaveOneOutOptions.Validation"/>, the one before it
/// to validation; the rest is training.
/// <para>A user with too few events to hold one out and still train on (1 event, or 2 with validation) stays
/// train-only: all events go to training and the user is not evaluated. Report counts:
/// <c>split_train_only_users</c>, <c>split_train_interactions</c>, <c>split_validation_interactions</c>,
/// <c>split_test_interactions</c>.</para>
/// <para>Training events keep file order; held-out lists are ordered by user index.</para></summary>
public sealed class LeaveOneOutSplit(LeaveOneOutOptions options)
{
    /// <summary>The options the split was created with.</summary>
    public LeaveOneOutOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Splits <paramref name="data"/>'s events.</summary>
    public DataSplit Apply(LoadedData data)
    {
        var ev = data.Events;
        int users = data.Users.Count;
        // Counting sort by user keeps each user's events in file order; the per-user stable sort by time follows.
        var offsets = new int[users + 1];
        foreach (int u in ev.User) offsets[u + 1]++;
        for (int u = 0; u < users; u++) offsets[u + 1] += offsets[u];
        var byUser = new int[ev.Count];
        var fill = offsets[..users];
        for (int k = 0; k < ev.Count; k++) byUser[fill[ev.User[k]]++] = k;

        int holdOut = Options.Validation ? 2 : 1;
        var isHeldOut = new bool[ev.Count];
        var validation = new List<HeldOutItem>();
        var test = new List<HeldOutItem>();
        long trainOnly = 0;
        var ts = ev.Timestamp;
        for (int u = 0; u < users; u++)
        {
            var rows = byUser.AsSpan(offsets[u], offsets[u + 1] - offsets[u]);
            if (rows.Length <= holdOut) { trainOnly++; continue; }
            // Insertion sort is stable and users have few events; it falls back to a stable LINQ sort when long.
            StableSortByTime(rows, ts);
            int last = rows[^1];
            test.Add(new HeldOutItem(u, ev.Item[last], ts[last]));
            isHeldOut[last] = true;
            if (Options.Validation)
            {
                int second = rows[^2];
                validation.Add(new HeldOutItem(u, ev.Item[second], ts[second]));
                isHeldOut[second] = true;
            }
        }

        var trainRows = new List<int>(ev.Count);
        for (int k = 0; k < ev.Count; k++) if (!isHeldOut[k]) trainRows.Add(k);
        var report = new DataReport();
        report.Set("split_train_only_users", trainOnly);
        report.Set("split_train_interactions", trainRows.Count);
        report.Set("split_validation_interactions", validation.Count);
        report.Set("split_test_interactions", test.Count);
        return new DataSplit(ev.Select(trainRows.ToArray()), validation, test) { Report = report };
    }

    private static void StableSortByTime(Span<int> rows, long[] ts)
    {
        if (rows.Length > 64)
        {
            var sorted = rows.ToArray().OrderBy(k => ts[k]).ToArray();
            sorted.CopyTo(rows);
            return;
        }
        for (int i = 1; i < rows.Length; i++)
        {
            int x = rows[i];
            int j = i - 1;
            while (j >= 0 && ts[rows[j]] > ts[x]) { rows[j + 1] = rows[j]; j--; }
            rows[j + 1] = x;
        }
    }
}

/// <summary>Catalog entry point for <see cref="LeaveOneOutSplit"/>.</summary>
public static class LeaveOneOutCatalog
{
    /// <summary>Leave-one-out by timestamp; see <see cref="LeaveOneOutSplit"/>.</summary>
    public static DataSplit LeaveOneOut(this DataCatalog catalog, LoadedData data, LeaveOneOutOptions? options = null) =>
        new LeaveOneOutSplit(options ?? new LeaveOneOutOptions()).Apply(data);
}
