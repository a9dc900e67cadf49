using System.Collections.ObjectModel;

namespace BlairClip.ML.Evaluation;

/// <summary>The ranking of one held-out item.</summary>
/// <param name="User">User index.</param>
/// <param name="Item">Held-out item index.</param>
/// <param name="Rank">Expected 1-based rank under the tie rule: h + 1 (optimistic), h + 1 + e/2 (average),
/// h + e + 1 (pessimistic).</param>
/// <param name="Higher">h: candidates scoring strictly above the held-out item.</param>
/// <param name="Equal">e: other candidates scoring exactly like it.</param>
/// <param name="Candidates">Candidates ranked, the held-out item included.</param>
/// <param name="Values">One value per metric, in <see cref="EvaluationResult.MetricNames"/> order.</param>
public sealed record UserEvaluation(int User, int Item, double Rank, int Higher, int Equal, int Candidates, double[] Values);

/// <summary>Metric means over users, plus every user's values so that models can later be compared user by
/// user (<see cref="PairedComparison"/>).</summary>
public sealed class EvaluationResult
{
    private readonly Dictionary<string, int> _index;

    /// <summary>Collects per-user results and averages each metric over users (each case counts once).</summary>
    /// <exception cref="ArgumentException">No users, a repeated metric name, or a user whose
    /// <see cref="UserEvaluation.Values"/> length differs from the number of metrics.</exception>
    public EvaluationResult(IReadOnlyList<string> metricNames, IReadOnlyList<UserEvaluation> perUser)
    {
        ArgumentNullException.ThrowIfNull(metricNames);
        ArgumentNullException.ThrowIfNull(perUser);
        if (perUser.Count == 0) throw new ArgumentException("An evaluation needs at least one user, but there were none.", nameof(perUser));
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int m = 0; m < metricNames.Count; m++)
            if (!_index.TryAdd(metricNames[m], m))
                throw new ArgumentException($"Metric '{metricNames[m]}' is listed twice.", nameof(metricNames));

        var sums = new double[metricNames.Count];
        for (int u = 0; u < perUser.Count; u++)
        {
            var values = perUser[u].Values;
            if (values.Length != sums.Length)
                throw new ArgumentException(
                    $"User {perUser[u].User} (row {u}) has {values.Length} metric values, but {sums.Length} metrics are named.", nameof(perUser));
            for (int m = 0; m < sums.Length; m++) sums[m] += values[m];
        }
        // OrderedDictionary keeps the options' metric order when results are printed.
        var means = new OrderedDictionary<string, double>(StringComparer.Ordinal);
        for (int m = 0; m < sums.Length; m++) means.Add(metricNames[m], sums[m] / perUser.Count);

        MetricNames = metricNames.ToArray();
        Metrics = new ReadOnlyDictionary<string, double>(means);
        PerUser = perUser;
    }

    /// <summary>Metric names, in the order of the evaluator options.</summary>
    public IReadOnlyList<string> MetricNames { get; }

    /// <summary>Mean of each metric over users, enumerated in <see cref="MetricNames"/> order.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>Number of users (cases) evaluated.</summary>
    public int Users => PerUser.Count;

    /// <summary>One entry per case, in the order of the cases given to the evaluator.</summary>
    public IReadOnlyList<UserEvaluation> PerUser { get; }

    /// <summary>The values of <paramref name="metric"/>, one per user in <see cref="PerUser"/> order
    /// (shape <c>[users]</c>).</summary>
    /// <exception cref="KeyNotFoundException">The metric was not evaluated; the message lists those that were.</exception>
    public double[] PerUserValues(string metric)
    {
        if (!_index.TryGetValue(metric, out int m))
            throw new KeyNotFoundException($"Metric '{metric}' was not evaluated; evaluated: {string.Join(", ", MetricNames)}.");
        var values = new double[PerUser.Count];
        for (int u = 0; u < values.Length; u++) values[u] = PerUser[u].Values[m];
        return values;
    }
}
