using BlairClip.ML.Core;

namespace BlairClip.ML.Data;

/// <summary>How repeated (user, item) pairs are treated (YAML <c>duplicates: keep | first</c>).</summary>
public enum DuplicatePolicy
{
    /// <summary>Every event stays (a re-purchase counts again).</summary>
    Keep,
    /// <summary>Only the earliest event of each (user, item) pair stays: lowest timestamp, ties broken by file
    /// order (as RecBole's <c>remove_duplication</c> after sorting by time).</summary>
    First,
}

/// <summary>Options of <see cref="InteractionFilter"/> (YAML <c>filter:</c>).</summary>
public sealed record InteractionFilterOptions
{
    /// <summary>(int ≥ 0) Users with fewer events are removed (one pass, after k-core). 0 keeps everyone.</summary>
    public int MinUserInteractions { get; init; } = 0;
    /// <summary>(int ≥ 1, optional) Iterative k-core: users and items with fewer than k events are removed, again
    /// and again until every remaining user and item has at least k.</summary>
    public int? KCore { get; init; }
    /// <summary>(number, optional) Events rated below this (or without a rating) are removed.</summary>
    public float? MinRating { get; init; }
    /// <summary>(keep | first) Repeated (user, item) pairs.</summary>
    public DuplicatePolicy Duplicates { get; init; } = DuplicatePolicy.Keep;
}

/// <summary>Removes events, users and items from a <see cref="LoadedData"/>, in this fixed order:
/// duplicates → minimum rating → k-core → minimum user interactions (cheap, local rules first so that the
/// k-core is computed on the events that will actually be used; the user minimum last so it holds in the output).
/// <para>Surviving events keep their file order; users and items are renumbered densely in their previous order.
/// An item is removed when a rule removed all its events; items that had no events to begin with
/// (<see cref="CatalogScope.All"/>) stay in the catalog. Users without events are removed.</para>
/// <para>Report counts per rule R (<c>duplicates</c>, <c>min_rating</c>, <c>k_core</c>,
/// <c>min_user_interactions</c>): <c>filter_R_interactions_removed</c>, <c>filter_R_users_removed</c>,
/// <c>filter_R_items_removed</c>; plus <c>filter_k_core_rounds</c>; then <c>users</c>, <c>items</c>,
/// <c>interactions</c> are updated.</para></summary>
public sealed class InteractionFilter(InteractionFilterOptions options)
{
    /// <summary>The validated options.</summary>
    /// <exception cref="InvalidOptionException">A negative minimum or a k below 1 (raised by the constructor).</exception>
    public InteractionFilterOptions Options { get; } = Validate(options);

    private static InteractionFilterOptions Validate(InteractionFilterOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        InvalidOptionException.Check(o.MinUserInteractions >= 0, "min_user_interactions", o.MinUserInteractions, "must be ≥ 0");
        InvalidOptionException.Check(o.KCore is null or >= 1, "k_core", o.KCore, "must be ≥ 1");
        InvalidOptionException.Check(o.MinRating is null || float.IsFinite(o.MinRating.Value), "min_rating", o.MinRating, "must be a finite number");
        return o;
    }

    /// <summary>The filtered data set; <paramref name="data"/> is unchanged.</summary>
    /// <exception cref="InvalidOptionException"><c>min_rating</c> is set but no event has a rating.</exception>
    public LoadedData Apply(LoadedData data)
    {
        var ev = data.Events;
        var keep = new bool[ev.Count];
        Array.Fill(keep, true);
        var report = data.Report.Clone();
        var tracker = new RemovalTracker(ev, data.Users.Count, data.Items.Count, report);

        if (Options.Duplicates == DuplicatePolicy.First)
        {
            // Stable sort by timestamp so that the first of equal timestamps in file order wins.
            var order = Enumerable.Range(0, ev.Count).ToArray();
            var ts = ev.Timestamp;
            order = order.OrderBy(k => ts[k]).ToArray();
            var seen = new HashSet<long>();
            foreach (int k in order)
                if (!seen.Add(((long)ev.User[k] << 32) | (uint)ev.Item[k])) keep[k] = false;
            tracker.Record("duplicates", keep);
        }

        if (Options.MinRating is { } minRating)
        {
            if (ev.Count > 0 && Array.TrueForAll(ev.Rating, float.IsNaN))
                throw new InvalidOptionException("min_rating", minRating, "can only be used with data that has ratings");
            for (int k = 0; k < ev.Count; k++)
                if (keep[k] && !(ev.Rating[k] >= minRating)) keep[k] = false;
            tracker.Record("min_rating", keep);
        }

        if (Options.KCore is { } k0)
        {
            int rounds = 0;
            var userCount = new int[data.Users.Count];
            var itemCount = new int[data.Items.Count];
            while (true)
            {
                Array.Clear(userCount); Array.Clear(itemCount);
                for (int k = 0; k < ev.Count; k++)
                    if (keep[k]) { userCount[ev.User[k]]++; itemCount[ev.Item[k]]++; }
                bool changed = false;
                for (int k = 0; k < ev.Count; k++)
                    if (keep[k] && (userCount[ev.User[k]] < k0 || itemCount[ev.Item[k]] < k0)) { keep[k] = false; changed = true; }
                if (!changed) break;
                rounds++;
            }
            report.Set("filter_k_core_rounds", rounds);
            tracker.Record("k_core", keep);
        }

        if (Options.MinUserInteractions > 0)
        {
            var userCount = new int[data.Users.Count];
            for (int k = 0; k < ev.Count; k++) if (keep[k]) userCount[ev.User[k]]++;
            for (int k = 0; k < ev.Count; k++)
                if (keep[k] && userCount[ev.User[k]] < Options.MinUserInteractions) keep[k] = false;
            tracker.Record("min_user_interactions", keep);
        }

        return Reindex(data, keep, tracker.ItemHadEvents, report);
    }

    private static LoadedData Reindex(LoadedData data, bool[] keep, bool[] itemHadEvents, DataReport report)
    {
        var ev = data.Events;
        var userAlive = new bool[data.Users.Count];
        var itemAlive = new bool[data.Items.Count];
        for (int i = 0; i < itemAlive.Length; i++) itemAlive[i] = !itemHadEvents[i];
        var rows = new List<int>(ev.Count);
        for (int k = 0; k < ev.Count; k++)
            if (keep[k]) { rows.Add(k); userAlive[ev.User[k]] = true; itemAlive[ev.Item[k]] = true; }

        var userIndex = Renumber(userAlive, data.Users, out var users);
        var itemIndex = Renumber(itemAlive, data.Items, out var items);
        var selected = ev.Select(rows.ToArray());
        var u = selected.User; var it = selected.Item;
        for (int k = 0; k < selected.Count; k++) { u[k] = userIndex[u[k]]; it[k] = itemIndex[it[k]]; }

        var itemRows = Enumerable.Range(0, itemAlive.Length).Where(i => itemAlive[i]).ToArray();
        var table = data.ItemTable.SelectRows(itemRows);
        report.Set("users", users.Count);
        report.Set("items", items.Count);
        report.Set("interactions", selected.Count);
        return new LoadedData(users, items, table, selected, report);
    }

    private static int[] Renumber(bool[] alive, IdMap ids, out IdMap kept)
    {
        var index = new int[alive.Length];
        if (Array.TrueForAll(alive, a => a))
        {
            // Nothing dropped (e.g. min_user_interactions: 1): the same ids in the same order, so the same map (maps are only
            // added to by whoever builds them).
            for (int i = 0; i < index.Length; i++) index[i] = i;
            kept = ids;
            return index;
        }
        int next = 0;
        for (int i = 0; i < alive.Length; i++) index[i] = alive[i] ? next++ : -1;
        kept = ids.Subset(alive);
        return index;
    }

    /// <summary>Counts, after each rule, the events, users and items it removed (users/items whose last event
    /// went with that rule).</summary>
    private sealed class RemovalTracker
    {
        private readonly Interactions _ev;
        private readonly DataReport _report;
        private readonly int _users, _items;
        private int _events, _liveUsers, _liveItems;

        public RemovalTracker(Interactions ev, int users, int items, DataReport report)
        {
            _ev = ev; _report = report; _users = users; _items = items;
            ItemHadEvents = new bool[items];
            foreach (int i in ev.Item) ItemHadEvents[i] = true;
            (_events, _liveUsers, _liveItems) = Count(null);
        }

        public bool[] ItemHadEvents { get; }

        public void Record(string rule, bool[] keep)
        {
            var (events, users, items) = Count(keep);
            _report.Set($"filter_{rule}_interactions_removed", _events - events);
            _report.Set($"filter_{rule}_users_removed", _liveUsers - users);
            _report.Set($"filter_{rule}_items_removed", _liveItems - items);
            (_events, _liveUsers, _liveItems) = (events, users, items);
        }

        private (int Events, int Users, int Items) Count(bool[]? keep)
        {
            var u = new bool[_users]; var i = new bool[_items];
            int events = 0;
            for (int k = 0; k < _ev.Count; k++)
                if (keep is null || keep[k]) { events++; u[_ev.User[k]] = true; i[_ev.Item[k]] = true; }
            return (events, u.Count(b => b), i.Count(b => b));
        }
    }
}

/// <summary>Catalog entry point for <see cref="InteractionFilter"/>.</summary>
public static class InteractionFilterCatalog
{
    /// <summary>Applies duplicates → min_rating → k_core → min_user_interactions; see <see cref="InteractionFilter"/>.</summary>
    public static LoadedData Filter(this DataCatalog catalog, LoadedData data, InteractionFilterOptions options) =>
        new InteractionFilter(options).Apply(data);
}
