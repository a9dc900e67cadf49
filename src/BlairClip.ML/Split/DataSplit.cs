using BlairClip.ML.Core;
using BlairClip.ML.Data;

namespace BlairClip.ML.Split;

/// <summary>One held-out (user, item) pair to rank.</summary>
public readonly record struct HeldOutItem(int User, int Item, long Timestamp);

/// <summary>The output of a split: training events, and per-user held-out items for validation (empty when the
/// study has none) and test. Indices refer to the dataset's <see cref="IdMap"/>s.</summary>
public sealed class DataSplit(Interactions train, IReadOnlyList<HeldOutItem> validation, IReadOnlyList<HeldOutItem> test)
{
    public Interactions Train { get; } = train;
    public IReadOnlyList<HeldOutItem> Validation { get; } = validation;
    public IReadOnlyList<HeldOutItem> Test { get; } = test;
    /// <summary>Counts the split reports (e.g. <c>split_train_only_users</c>); written to run.json.</summary>
    public DataReport Report { get; init; } = new();
}
