namespace BlairClip.ML.Core;

/// <summary>The entry object: holds the seed and progress sink shared by every component, and exposes the
/// catalogs (data, transforms, recommenders, evaluation, models) through which components are created.
/// Catalog methods are extension methods on these catalog objects, one per component file.</summary>
public sealed class BlairClipContext
{
    /// <param name="seed">Study-wide seed.</param>
    /// <param name="progress">Progress sink (null: none).</param>
    /// <param name="baseDirectory">Folder that relative paths in step options (e.g. a checkpoint) are resolved
    /// against: the study's folder when run by the study runner; null means the current directory.</param>
    public BlairClipContext(int seed = 42, IProgressReporter? progress = null, string? baseDirectory = null)
    {
        Seed = seed;
        Progress = progress ?? NullProgress.Instance;
        BaseDirectory = Path.GetFullPath(baseDirectory ?? Directory.GetCurrentDirectory());
        Data = new DataCatalog(this);
        Transforms = new TransformsCatalog(this);
        Recommenders = new RecommendersCatalog(this);
        Evaluation = new EvaluationCatalog(this);
        Models = new ModelCatalog(this);
    }

    /// <summary>Study-wide seed; components derive their own streams from it.</summary>
    public int Seed { get; }
    public IProgressReporter Progress { get; }

    /// <summary>Folder that relative paths in step options are resolved against (absolute).</summary>
    public string BaseDirectory { get; }

    /// <summary>Counters components report while fitting (e.g. images that could not be read); the study runner
    /// writes them to run.json beside the loader's counters. Components <see cref="Data.DataReport.Set"/> their
    /// counters (rather than add) so that refitting on the same catalog does not double them.</summary>
    public Data.DataReport Report { get; } = new();

    /// <summary><paramref name="path"/> made absolute against <see cref="BaseDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(Path.Combine(BaseDirectory, path));

    public DataCatalog Data { get; }
    public TransformsCatalog Transforms { get; }
    public RecommendersCatalog Recommenders { get; }
    public EvaluationCatalog Evaluation { get; }
    public ModelCatalog Models { get; }

    /// <summary>A deterministic seed for stream <paramref name="salt"/> (so components do not share streams).</summary>
    public int DeriveSeed(string salt)
    {
        unchecked
        {
            int h = Seed * 16777619;
            foreach (var ch in salt) h = (h ^ ch) * 16777619;
            return h & int.MaxValue;
        }
    }
}

/// <summary>Base of the catalogs: gives extension methods access to the context.</summary>
public abstract class CatalogBase(BlairClipContext context)
{
    public BlairClipContext Context { get; } = context;
}

/// <summary>Loaders, filters and splits (<c>context.Data.…</c>).</summary>
public sealed class DataCatalog(BlairClipContext context) : CatalogBase(context);
/// <summary>Featurizers (<c>context.Transforms.…</c>).</summary>
public sealed class TransformsCatalog(BlairClipContext context) : CatalogBase(context);
/// <summary>Recommender estimators (<c>context.Recommenders.…</c>).</summary>
public sealed class RecommendersCatalog(BlairClipContext context) : CatalogBase(context);
/// <summary>The shared ranking evaluator (<c>context.Evaluation.…</c>).</summary>
public sealed class EvaluationCatalog(BlairClipContext context) : CatalogBase(context);
/// <summary>Saving and loading model zips (<c>context.Models.…</c>).</summary>
public sealed class ModelCatalog(BlairClipContext context) : CatalogBase(context);
