using Microsoft.ML;

namespace BlairClip.ML.Core;

/// <summary>BlairClip.ML's catalogs for an <see cref="MLContext"/>, as ML.NET's own packages hang theirs off it:
/// <c>var bc = new MLContext(seed: 42).BlairClip();</c> then <c>bc.Transforms.TfIdf(…)</c>,
/// <c>bc.Recommenders.Bpr(…)</c>, <c>bc.Evaluation.Ranking(…)</c>, <c>bc.Models.Save(…)</c>.</summary>
public static class MLContextExtensions
{
    /// <summary>The BlairClip catalogs over <paramref name="mlContext"/>.</summary>
    /// <param name="seed">Seed of our components' random streams (ML.NET does not expose its context's seed).</param>
    /// <param name="progress">Progress sink (null: none).</param>
    /// <param name="baseDirectory">Folder relative paths in step options are resolved against (null: current directory).</param>
    public static BlairClipContext BlairClip(this MLContext mlContext, int seed = 42, IProgressReporter? progress = null, string? baseDirectory = null) =>
        new(mlContext, seed, progress, baseDirectory);
}

/// <summary>The entry object: holds the <see cref="MLContext"/>, the seed and progress sink shared by every component,
/// and exposes the catalogs (data, transforms, recommenders, evaluation, models) through which components are created.
/// Catalog methods are extension methods on these catalog objects, one per component file.</summary>
public sealed class BlairClipContext
{
    /// <param name="seed">Study-wide seed.</param>
    /// <param name="progress">Progress sink (null: none).</param>
    /// <param name="baseDirectory">Folder that relative paths in step options (e.g. a checkpoint) are resolved
    /// against: the study's folder when run by the study runner; null means the current directory.</param>
    public BlairClipContext(int seed = 42, IProgressReporter? progress = null, string? baseDirectory = null)
        : this(new MLContext(seed), seed, progress, baseDirectory) { }

    /// <param name="mlContext">The ML.NET context ML.NET built-in steps are created from.</param>
    /// <param name="seed">Study-wide seed.</param>
    /// <param name="progress">Progress sink (null: none).</param>
    /// <param name="baseDirectory">Folder relative paths in step options are resolved against (null: current directory).</param>
    public BlairClipContext(MLContext mlContext, int seed, IProgressReporter? progress = null, string? baseDirectory = null)
    {
        ML = mlContext;
        Seed = seed;
        Progress = progress ?? NullProgress.Instance;
        BaseDirectory = Path.GetFullPath(baseDirectory ?? Directory.GetCurrentDirectory());
        Data = new DataCatalog(this);
        Transforms = new ItemTransformsCatalog(this);
        Recommenders = new RecommendersCatalog(this);
        Evaluation = new EvaluationCatalog(this);
        Models = new ModelCatalog(this);
    }

    /// <summary>The ML.NET context (ML.NET's own transforms in pipelines are created from it).</summary>
    public MLContext ML { get; }

    /// <summary>Study-wide seed; components derive their own streams from it.</summary>
    public int Seed { get; }
    public IProgressReporter Progress { get; }

    /// <summary>Folder that relative paths in step options are resolved against (absolute).</summary>
    public string BaseDirectory { get; }

    /// <summary>Counters components report while fitting (e.g. images that could not be read); the study runner
    /// writes them to run.json beside the loader's counters. Components <see cref="Data.DataReport.Set"/> their
    /// counters (rather than add) so that refitting on the same catalog does not double them.</summary>
    public Data.DataReport Report { get; } = new();

    /// <summary>Where components write one-line warnings about the data that do not stop a run (e.g. an image above
    /// half the decoder's pixel limit), each naming the file; standard error unless set.</summary>
    public TextWriter Warnings { get; init; } = Console.Error;

    /// <summary>Where trained models keep their checkpoints (nowhere unless set; the study runner sets it to the run's
    /// folder).</summary>
    public CheckpointFolders Checkpoints { get; } = new();

    /// <summary><paramref name="path"/> made absolute against <see cref="BaseDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(Path.Combine(BaseDirectory, path));

    public DataCatalog Data { get; }
    public ItemTransformsCatalog Transforms { get; }
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

/// <summary>Where models trained by a loop (BLaIR-CLIP) write checkpoints and resume from: <see cref="Root"/>/&lt;model&gt;/.
/// A fit resumes from the newest checkpoint in its folder when there is one.</summary>
public sealed class CheckpointFolders
{
    private string? _model;

    /// <summary>The folder holding one checkpoint folder per model (null: no checkpoints).</summary>
    public string? Root { get; set; }

    /// <summary>The folder of the model now being fitted (<see cref="Root"/> itself outside <see cref="ForModel"/>);
    /// null when <see cref="Root"/> is.</summary>
    public string? Current => Root is null ? null : _model is null ? Root : Path.Combine(Root, _model);

    /// <summary>Points <see cref="Current"/> at <see cref="Root"/>/<paramref name="fileStem"/> until disposed.</summary>
    public IDisposable ForModel(string fileStem)
    {
        var previous = _model;
        _model = fileStem;
        return new Restore(() => _model = previous);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
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
public sealed class ItemTransformsCatalog(BlairClipContext context) : CatalogBase(context);
/// <summary>Recommender estimators (<c>context.Recommenders.…</c>).</summary>
public sealed class RecommendersCatalog(BlairClipContext context) : CatalogBase(context);
/// <summary>The shared ranking evaluator (<c>context.Evaluation.…</c>).</summary>
public sealed class EvaluationCatalog(BlairClipContext context) : CatalogBase(context);
/// <summary>Saving and loading model zips (<c>context.Models.…</c>).</summary>
public sealed class ModelCatalog(BlairClipContext context) : CatalogBase(context);
