using Microsoft.ML;
using Microsoft.ML.Data;
using BlairClip.ML.Core;
using BlairClip.ML.DataViews;
using BlairClip.ML.Models;

namespace BlairClip.ML.Recommenders;

/// <summary>What a pipeline needs of a recommender estimator (each is also an ML.NET <see cref="IEstimator{T}"/> of
/// its own model type): the item columns it reads (checked before anything is fitted), a copy bound to the featurized
/// item table, and ML.NET's schema check and fit on the interactions.</summary>
public interface IRecommenderEstimator
{
    /// <inheritdoc cref="IEstimator{T}.GetOutputSchema"/>
    SchemaShape GetOutputSchema(SchemaShape inputSchema);

    /// <inheritdoc cref="IEstimator{T}.Fit"/>
    RecommenderTransformer Fit(IDataView input);

    /// <summary>Checks the item table's shape (after the pipeline's featurizers).</summary>
    /// <exception cref="SchemaMismatchException">A column the recommender reads is missing or of the wrong kind.</exception>
    void CheckItems(SchemaShape items);

    /// <summary>The same estimator reading item features from <paramref name="items"/> (row k = item key k + 1).</summary>
    IRecommenderEstimator ForItems(IDataView items);

    /// <summary>The same estimator for <paramref name="items"/>, validating on <paramref name="validation"/> (models
    /// that train iteratively use it for validation metrics and early stopping; the others ignore it).</summary>
    IRecommenderEstimator ForData(IDataView items, Interactions validation);
}

/// <summary>Base of the recommender estimators: ML.NET estimators on the interactions <see cref="IDataView"/> in the
/// shape of ML.NET's matrix factorization — UInt32 key columns <c>UserId</c> and <c>ItemId</c> in (the key counts are
/// the numbers of users and items), a fitted <typeparamref name="TModel"/> that adds <c>Score</c>. Content
/// recommenders also read the item table given as <see cref="Items"/> (row k = item key k + 1).</summary>
public abstract class RecommenderEstimator<TModel> : IRecommenderEstimator, IEstimator<TModel> where TModel : RecommenderTransformer
{
    protected RecommenderEstimator(BlairClipContext context, IDataView? items)
    {
        Context = context;
        Items = items;
    }

    public BlairClipContext Context { get; }
    /// <summary>The item table item features are read from (null for recommenders that read none).</summary>
    public IDataView? Items { get; }

    /// <summary>The component name in messages.</summary>
    protected virtual string Owner => GetType().Name;

    /// <summary>The item vector columns the recommender reads (none by default).</summary>
    protected virtual IReadOnlyList<string> ItemColumnsRead => [];

    /// <exception cref="SchemaMismatchException">A column of <see cref="ItemColumnsRead"/> is missing or not a vector.</exception>
    public void CheckItems(SchemaShape items)
    {
        foreach (var c in ItemColumnsRead) DataViewColumns.Require(items, c, Owner, ColumnKind.Vector);
    }

    public abstract IRecommenderEstimator ForItems(IDataView items);

    /// <summary>The validation events given by <see cref="ForData"/> (empty otherwise).</summary>
    protected Interactions Validation { get; private set; } = Interactions.Empty;

    public IRecommenderEstimator ForData(IDataView items, Interactions validation)
    {
        var bound = (RecommenderEstimator<TModel>)ForItems(items);
        bound.Validation = validation;
        return bound;
    }

    /// <exception cref="SchemaMismatchException">No UInt32 key columns <c>UserId</c>, <c>ItemId</c>.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        DataViewColumns.Require(inputSchema, RecDataset.UserIdColumn, Owner, ColumnKind.Key);
        DataViewColumns.Require(inputSchema, RecDataset.ItemIdColumn, Owner, ColumnKind.Key);
        return SchemaShapes.With(inputSchema, (MLNetScoring.ScoreColumn, NumberDataViewType.Single));
    }

    /// <summary>Fits on the interactions (and <see cref="Items"/>); the model scores the users of the key type.</summary>
    /// <exception cref="SchemaMismatchException">The interactions lack the key columns, or the item table the columns read.</exception>
    public TModel Fit(IDataView input)
    {
        var (events, users, items) = RecDataset.ReadInteractions(input, Owner);
        var histories = RecDataset.HistoriesOf(input, events, users);
        var model = Fit(events, histories, items);
        model.Histories = histories;
        return model;
    }

    RecommenderTransformer IRecommenderEstimator.Fit(IDataView input) => Fit(input);

    /// <summary>Fits on <paramref name="data"/>: its interactions, reading item features from its item table.</summary>
    public TModel Fit(RecDataset data) => (TModel)ForData(data.ItemTable, data.Validation).Fit(data.InteractionsView);

    /// <summary>Learns from <paramref name="events"/> (0-based indices) over <paramref name="items"/> items.</summary>
    protected abstract TModel Fit(Interactions events, UserHistories histories, int items);

    /// <summary><see cref="Items"/>, checked to have one row per item.</summary>
    /// <exception cref="InvalidOperationException">No item table was given.</exception>
    protected IDataView RequireItems(int items)
    {
        var table = Items ?? throw new InvalidOperationException(
            $"{Owner} reads item features: give it the item table (mlContext.BlairClip().Recommenders.…(items, …)), or use it as the last step of a pipeline after the featurizers.");
        if (table.GetRowCount() is { } rows && rows != items)
            throw new SchemaMismatchException($"{Owner}: the item table has {rows} rows, the ItemId key has {items} values.");
        foreach (var c in ItemColumnsRead) DataViewColumns.Require(table.Schema, c, Owner, ColumnKind.Vector);
        return table;
    }
}
