using BlairClip.ML.Core;
using BlairClip.ML.Split;

namespace BlairClip.ML.Reporting;

/// <summary>Options of the result slices (YAML <c>evaluation.slices:</c>): sub-tables of the test users by their held-out
/// item and their history.</summary>
public sealed record SliceOptions
{
    /// <summary>(bool) Held-out item <c>cold</c> (never in training) or <c>warm</c>.</summary>
    public bool ColdItems { get; init; } = true;
    /// <summary>(list of int) Upper bounds of the user-activity buckets by history length, e.g. [2, 5, 10] → ≤2, 3–5, 6–10, >10.</summary>
    public IReadOnlyList<int> Activity { get; init; } = [2, 5, 10];
    /// <summary>(list of float) Cumulative shares of training interactions that end the item-popularity buckets, most
    /// popular first: [0.2, 0.8] → head (the items holding the first 20 % of interactions), torso (up to 80 %), tail.</summary>
    public IReadOnlyList<double> Popularity { get; init; } = [0.2, 0.8];
}

/// <summary>Every test user's slice labels, one per slice family, and the per-slice means of every model's metrics.</summary>
/// <param name="Families">Slice families in order (item, activity, popularity).</param>
/// <param name="Orders">Each family's labels in display order.</param>
/// <param name="Labels">Per test user (evaluation order), one label per family.</param>
public sealed record SliceTable(IReadOnlyList<string> Families, IReadOnlyList<string[]> Orders, string[][] Labels)
{
    /// <summary>Labels for <paramref name="cases"/> (in order): held-out item cold/warm by its training count; activity
    /// bucket by the user's history length; popularity bucket of the held-out item.</summary>
    public static SliceTable Assign(SliceOptions options, IReadOnlyList<HeldOutItem> cases, UserHistories histories, Interactions train, int items)
    {
        var counts = new int[items];
        foreach (var i in train.Item) counts[i]++;
        var families = new List<string>();
        var orders = new List<string[]>();
        var columns = new List<Func<HeldOutItem, string>>();
        if (options.ColdItems)
        {
            families.Add("item");
            orders.Add(["cold", "warm"]);
            columns.Add(c => counts[c.Item] == 0 ? "cold" : "warm");
        }
        if (options.Activity.Count > 0)
        {
            var bounds = options.Activity.Order().ToArray();
            families.Add("activity");
            orders.Add([.. bounds.Select(b => ActivityLabel(b, bounds)), ActivityLabel(int.MaxValue, bounds)]);
            columns.Add(c => ActivityLabel(histories[c.User].Length, bounds));
        }
        if (options.Popularity.Count > 0)
        {
            var shares = options.Popularity.Order().ToArray();
            var bucket = PopularityBuckets(counts, shares);
            families.Add("popularity");
            orders.Add(BucketNames(shares.Length));
            columns.Add(c => bucket[c.Item]);
        }
        var labels = cases.Select(c => columns.Select(f => f(c)).ToArray()).ToArray();
        return new SliceTable(families, orders, labels);
    }

    /// <summary>"≤2", "3–5", …, ">10" for a history of <paramref name="length"/> items.</summary>
    internal static string ActivityLabel(int length, int[] bounds)
    {
        int lower = 0;
        foreach (var b in bounds)
        {
            if (length <= b) return lower == 0 ? $"≤{b}" : $"{lower + 1}–{b}";
            lower = b;
        }
        return $">{lower}";
    }

    /// <summary>head / torso / tail (more names when more shares are given): items sorted by training count, most first
    /// (ties by index); an item falls in the first bucket whose cumulative share of interactions, counted before the
    /// item, is below its bound. Items never in training are tail.</summary>
    internal static string[] PopularityBuckets(int[] counts, double[] shares)
    {
        var names = BucketNames(shares.Length);
        var order = Enumerable.Range(0, counts.Length).OrderByDescending(i => counts[i]).ThenBy(i => i).ToArray();
        long total = counts.Sum(c => (long)c);
        var bucket = new string[counts.Length];
        long before = 0;
        foreach (int i in order)
        {
            double share = total == 0 ? 1 : (double)before / total;
            int b = 0;
            while (b < shares.Length && share >= shares[b]) b++;
            bucket[i] = counts[i] == 0 ? names[^1] : names[b];
            before += counts[i];
        }
        return bucket;
    }

    private static string[] BucketNames(int shares) =>
        shares == 2 ? ["head", "torso", "tail"] : Enumerable.Range(0, shares + 1).Select(k => $"p{k}").ToArray();

    /// <summary>For each non-empty label of family <paramref name="family"/> (display order): its user count and the mean
    /// of each of <paramref name="evaluation"/>'s metrics over those users (in <c>MetricNames</c> order).</summary>
    public IEnumerable<(string Label, int Users, double[] Means)> Means(int family, Evaluation.EvaluationResult evaluation) =>
        Groups(family).Select(g => (g.Label, g.Users.Length,
            Enumerable.Range(0, evaluation.MetricNames.Count).Select(m => g.Users.Average(u => evaluation.PerUser[u].Values[m])).ToArray()));

    /// <summary>Users of each label of family <paramref name="family"/> (display order; empty labels left out).</summary>
    public IEnumerable<(string Label, int[] Users)> Groups(int family) =>
        Orders[family].Select(label => (label, Enumerable.Range(0, Labels.Length).Where(u => Labels[u][family] == label).ToArray()))
            .Where(g => g.Item2.Length > 0);
}
