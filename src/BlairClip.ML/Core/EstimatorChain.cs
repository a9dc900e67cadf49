namespace BlairClip.ML.Core;

/// <summary>An immutable sequence of estimators. <see cref="Fit"/> first checks the schema through the whole
/// chain, then fits each estimator on the output of the previous transformers.</summary>
public sealed class EstimatorChain<TLast> : IEstimator<TransformerChain<TLast>> where TLast : class, ITransformer
{
    private readonly IEstimator<ITransformer>[] _estimators;

    internal EstimatorChain(IEstimator<ITransformer>[] estimators) => _estimators = estimators;

    public IReadOnlyList<IEstimator<ITransformer>> Estimators => _estimators;

    /// <summary>A new chain with <paramref name="estimator"/> appended; this chain is unchanged.</summary>
    public EstimatorChain<TNext> Append<TNext>(IEstimator<TNext> estimator) where TNext : class, ITransformer =>
        new([.. _estimators, estimator]);

    public RecSchema GetOutputSchema(RecSchema input)
    {
        var schema = input;
        foreach (var e in _estimators) schema = e.GetOutputSchema(schema);
        return schema;
    }

    public TransformerChain<TLast> Fit(RecDataset data)
    {
        GetOutputSchema(data.Schema);
        var fitted = new ITransformer[_estimators.Length];
        for (int i = 0; i < _estimators.Length; i++)
        {
            fitted[i] = _estimators[i].Fit(data);
            if (i < _estimators.Length - 1) data = fitted[i].Transform(data);
        }
        return new TransformerChain<TLast>(fitted);
    }
}

/// <summary>Starts estimator chains.</summary>
public static class EstimatorChain
{
    /// <summary>A chain holding just <paramref name="first"/>.</summary>
    public static EstimatorChain<T> Start<T>(IEstimator<T> first) where T : class, ITransformer => new([first]);
}

/// <summary>An immutable sequence of fitted transformers; <see cref="LastTransformer"/> is the model's output.</summary>
public sealed class TransformerChain<TLast> : ITransformer where TLast : class, ITransformer
{
    private readonly ITransformer[] _transformers;

    public TransformerChain(IReadOnlyList<ITransformer> transformers)
    {
        if (transformers.Count == 0) throw new ArgumentException("A chain needs at least one transformer.");
        _transformers = transformers.ToArray();
        LastTransformer = _transformers[^1] as TLast ?? throw new ArgumentException(
            $"The last transformer is {_transformers[^1].GetType().Name}, expected {typeof(TLast).Name}.");
    }

    public IReadOnlyList<ITransformer> Transformers => _transformers;
    public TLast LastTransformer { get; }

    public RecSchema GetOutputSchema(RecSchema input)
    {
        foreach (var t in _transformers) input = t.GetOutputSchema(input);
        return input;
    }

    public RecDataset Transform(RecDataset data)
    {
        foreach (var t in _transformers) data = t.Transform(data);
        return data;
    }

    /// <summary>Chains are saved entry by entry by <see cref="Models.ModelArchive"/>; this is not an entry itself.</summary>
    public void Save(Models.ModelSaveContext context) =>
        throw new NotSupportedException("Save a chain with ModelArchive.Save, which writes one entry per transformer.");
}
