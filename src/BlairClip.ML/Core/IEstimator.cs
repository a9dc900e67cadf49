namespace BlairClip.ML.Core;

/// <summary>An untrained component: <see cref="Fit"/> learns from data and returns a transformer.</summary>
public interface IEstimator<out TTransformer> where TTransformer : ITransformer
{
    /// <summary>The schema <see cref="Fit"/>'s transformer would output for <paramref name="input"/>.
    /// Validates the input without touching data.</summary>
    /// <exception cref="SchemaMismatchException">A needed column is missing or of the wrong type.</exception>
    RecSchema GetOutputSchema(RecSchema input);

    /// <summary>Learns from <paramref name="data"/>.</summary>
    TTransformer Fit(RecDataset data);
}

/// <summary>A trained component: adds or replaces item columns, and saves itself into a model zip.</summary>
public interface ITransformer
{
    RecSchema GetOutputSchema(RecSchema input);

    /// <summary>Returns a new dataset; never mutates <paramref name="data"/>.</summary>
    RecDataset Transform(RecDataset data);

    /// <summary>Writes this transformer's entry (see <see cref="Models.ModelSaveContext"/>).</summary>
    void Save(Models.ModelSaveContext context);
}
