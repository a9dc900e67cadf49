using Microsoft.ML;
using Microsoft.ML.Data;
using BlairClip.ML.Core;
using BlairClip.ML.Models;

namespace BlairClip.ML.Recommenders;

/// <summary>Base of every fitted recommender. Two faces:
/// <list type="bullet">
/// <item>ML.NET's: an <see cref="ITransformer"/> in the shape of ML.NET's matrix factorization — UInt32 key columns
/// <c>UserId</c> and <c>ItemId</c> in, <c>Score</c> (Single) out, row to row (a <c>PredictionEngine</c> works), and
/// <c>MLContext.Model.Save</c> writes it as ML.NET built-ins (<see cref="MLNetScoring"/>) that plain ML.NET loads.
/// It scores the users of <see cref="Histories"/> (the training histories it was fitted on).</item>
/// <item>The shared evaluator's: <see cref="IRecommender.Score"/>, the batched full-catalog scorer, bit-identical to
/// the per-pair score.</item>
/// </list></summary>
public abstract class RecommenderTransformer : ITransformer, IRecommender, IModelEntry
{
    private static readonly MLContext Chains = new(seed: 0);
    private ITransformer? _chain;
    private UserHistories? _histories;

    /// <summary>Catalog size.</summary>
    public abstract int ItemCount { get; }

    /// <inheritdoc cref="IRecommender.Score"/>
    public abstract void Score(ReadOnlySpan<UserQuery> queries, Span<float> scores);

    /// <inheritdoc cref="IRecommender.TryCountRanks"/>
    public virtual bool TryCountRanks(ReadOnlySpan<UserQuery> queries, ReadOnlySpan<int> targets, Span<float> targetScores, Span<int> higher, Span<int> equal) => false;

    /// <inheritdoc cref="IRecommender.ScoreItems"/>
    public virtual void ScoreItems(UserQuery query, ReadOnlySpan<int> items, Span<float> scores) => IRecommender.ScoreItemsFromRow(this, query, items, scores);

    /// <inheritdoc cref="IRecommender.UserIndependentScores"/>
    public virtual ReadOnlyMemory<float> UserIndependentScores => default;

    public abstract void SaveEntry(EntryWriter writer);

    /// <summary>The scores of the users of <paramref name="histories"/> (index = user, history = the items it is
    /// scored with) written one pair at a time.</summary>
    internal abstract FactoredScores Factor(UserHistories histories);

    /// <summary>The users (and their histories) the ML.NET face scores; set when fitted, and by the model archive
    /// when loaded. Changing it rebuilds the ML.NET chain.</summary>
    public UserHistories? Histories
    {
        get => _histories;
        internal set { _histories = value; _chain = null; }
    }

    /// <summary>The ML.NET chain that scores the users of <paramref name="histories"/>.</summary>
    internal ITransformer KeyChain(UserHistories histories) => MLNetScoring.KeyChain(Chains, Factor(histories));

    private ITransformer Chain => _chain ??= KeyChain(_histories
        ?? throw new InvalidOperationException($"{GetType().Name} has no user histories to score with; fit it, or load it with ModelArchive."));

    public bool IsRowToRowMapper => true;
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Chain.GetOutputSchema(inputSchema);
    public IDataView Transform(IDataView input) => Chain.Transform(input);
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Chain.GetRowToRowMapper(inputSchema);

    /// <summary>Writes the ML.NET chain (built-ins only), so the saved zip loads in plain ML.NET.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)Chain).Save(ctx);
}
