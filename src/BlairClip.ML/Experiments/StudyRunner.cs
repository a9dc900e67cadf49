using System.Diagnostics;
using System.Globalization;
using BlairClip.ML.Core;
using BlairClip.ML.Evaluation;
using BlairClip.ML.Experiments.Yaml;
using BlairClip.ML.IO;
using BlairClip.ML.Models;
using BlairClip.ML.Reporting;
using YamlDotNet.RepresentationModel;

namespace BlairClip.ML.Experiments;

/// <summary>How to run a study.</summary>
public sealed record StudyRunOptions
{
    /// <summary>Write exactly here (created; must be empty or absent unless <see cref="Force"/>). Null: results/&lt;name&gt;/&lt;yyyyMMdd-HHmmss&gt;/ under <see cref="ResultsRoot"/>.</summary>
    public string? OutputDirectory { get; init; }
    public bool Force { get; init; }
    /// <summary>Continue this unfinished run folder (one a stopped run kept for resuming, or the hidden staging folder of a
    /// killed one) with the same spec and overrides: trained models resume from their newest checkpoint, the others are
    /// fitted again (same seed, same numbers), and the results are written into it.</summary>
    public string? Resume { get; init; }
    /// <summary><c>key.path=value</c> overrides applied to the study before binding.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];
    public string ResultsRoot { get; init; } = "results";
    public IProgressReporter Progress { get; init; } = NullProgress.Instance;
    /// <summary>One line per stage is written here (null: silent).</summary>
    public TextWriter? Log { get; init; }
}

/// <summary>What <see cref="StudyRunner.Run"/> returns.</summary>
public sealed record StudyRunOutcome(StudyResult Result, string OutputDirectory, StageTimes Times);

/// <summary>Runs a study: data stages once, then for each model fit → evaluate (shared evaluator) → save; then writes
/// the tables, per-user results, model zips and run.json. Output is assembled in a hidden staging folder beside the
/// target and renamed into place at the end, so an interrupted run leaves no half-written results. A run whose models
/// wrote checkpoints (<c>save_every</c>) is kept instead when it stops — at the output path, with <c>run.state.json</c> —
/// and <see cref="StudyRunOptions.Resume"/> continues it exactly.</summary>
public static class StudyRunner
{
    public static StudyRunOutcome Run(string specPath, StudyRunOptions options)
    {
        var started = DateTime.UtcNow;
        var doc = SpecDocument.Load(specPath);
        foreach (var o in options.Overrides) doc.ApplyOverride(o);
        var name = doc.Binder.Bind<StudySpec>(doc.Root, "").Name;

        if (options.Resume is not null && options.OutputDirectory is not null)
            throw new IOException("--resume continues RUN_DIR in place and writes its results there; it cannot be combined with --output.");
        RunState? resumed = null;
        string output;
        if (options.Resume is { } resumeDir)
        {
            resumeDir = Path.GetFullPath(resumeDir);
            resumed = RunState.Read(resumeDir);
            if (resumed.Fingerprint != RunState.Of(specPath, options.Overrides))
                throw new IOException($"--resume {resumeDir}: it was started from {resumed.Spec} with other contents or other --set values; "
                    + "resume it with the same spec file and the same --set options.");
            // A killed run's staging folder finishes where that run was going; a kept folder finishes where it is.
            output = IsStaging(resumeDir) ? resumed.Output : resumeDir;
            if (output != resumeDir && Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
                throw new IOException($"--resume {resumeDir}: its results would go to {output}, which is not empty now; move that folder away first.");
        }
        else
        {
            output = Path.GetFullPath(options.OutputDirectory
                ?? Path.Combine(options.ResultsRoot, ModelResult.FileStemOf(name), started.ToLocalTime().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
            if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() && !options.Force)
                throw new IOException($"Output folder {output} is not empty; pass --force to replace it.");
        }

        var times = new StageTimes();
        var log = options.Log ?? TextWriter.Null;
        var seed = doc.Binder.Bind<StudySpec>(doc.Root, "").Seed;
        var context = new BlairClipContext(seed, options.Progress, doc.Directory);
        var study = StudyData.Prepare(doc, times, context);
        var spec = study.Spec;
        log.WriteLine($"data: {study.Data.Users.Count} users, {study.Data.Items.Count} items, {study.Split.Train.Count} training interactions, {study.Split.Test.Count} test users");

        // A fresh staging name: one left by a killed process with the same id may hold checkpoints to resume.
        var staging = Path.Combine(Path.GetDirectoryName(output)!, $"{StagingPrefix(output)}{Environment.ProcessId}");
        for (int n = 2; Directory.Exists(staging) && staging != (options.Resume is null ? null : Path.GetFullPath(options.Resume)); n++)
            staging = Path.Combine(Path.GetDirectoryName(output)!, $"{StagingPrefix(output)}{Environment.ProcessId}-{n}");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        if (options.Resume is null) Directory.CreateDirectory(staging);
        else if (Path.GetFullPath(options.Resume) != staging) Directory.Move(Path.GetFullPath(options.Resume), staging);
        var state = RunState.Running(specPath, options.Overrides, output);
        state.Write(staging);
        context.Checkpoints.Root = Path.Combine(staging, RunState.CheckpointsFolder);
        log.WriteLine($"working in {staging} (renamed to {output} when the run completes; --resume it if this process is killed after checkpoints)");
        try
        {
            var evaluator = context.Evaluation.Ranking(spec.Evaluation);
            var results = new List<ModelResult>();
            var resolved = new List<object>();
            var modelNodes = ((YamlSequenceNode)doc["models"]!).Children;
            var titles = Titles(study);
            // Every pipeline is built and its schemas checked through all steps before the first model is fitted.
            var pipelines = new List<BuiltPipeline>();
            for (int m = 0; m < spec.Models.Count; m++)
            {
                var model = spec.Models[m];
                if (spec.Models.Take(m).Any(r => r.Name == model.Name))
                    throw doc.Binder.Error(modelNodes[m], $"two models are named '{model.Name}'.");
                var built = PipelineBuilder.Build(model, doc, modelNodes[m], context);
                try
                {
                    built.Pipeline.Check(study.Train);
                }
                catch (SchemaMismatchException e)
                {
                    throw doc.Binder.Error(modelNodes[m], $"model '{model.Name}' ({Path.GetFileName(built.Path)}): {e.Message}");
                }
                pipelines.Add(built);
            }
            for (int m = 0; m < spec.Models.Count; m++)
            {
                var model = spec.Models[m];
                var built = pipelines[m];
                var fitWatch = Stopwatch.StartNew();
                RecommenderPipelineModel chain;
                using (context.Checkpoints.ForModel(ModelResult.FileStemOf(model.Name)))
                    chain = built.Pipeline.Fit(study.Train);
                double fit = fitWatch.Elapsed.TotalSeconds;
                var evalWatch = Stopwatch.StartNew();
                var evaluation = evaluator.Evaluate(chain.Recommender, study.Split.Test, study.TestHistories);
                double eval = evalWatch.Elapsed.TotalSeconds;
                results.Add(new ModelResult(model.Name, built.Path, evaluation, fit, eval));
                log.WriteLine($"{model.Name}: fit {fit:F2}s, evaluate {eval:F2}s, " + string.Join(", ", evaluation.Metrics.Select(kv => $"{kv.Key} {kv.Value:F4}")));
                if (spec.Output.SaveModels)
                {
                    var saved = new RecommenderModel(model.Name, built.Path, chain, study.Data.Users, study.Data.Items, titles,
                        study.TestHistories);
                    var saveWatch = Stopwatch.StartNew();
                    ModelArchive.Save(saved, Path.Combine(staging, "models", ModelResult.FileStemOf(model.Name) + ".zip"));
                    times.Add($"save:{model.Name}", saveWatch.Elapsed.TotalSeconds);
                    log.WriteLine($"{model.Name}: saved models/{ModelResult.FileStemOf(model.Name)}.zip in {saveWatch.Elapsed.TotalSeconds:F2}s");
                }
                var training = (chain.Recommender as IReportsTraining)?.TrainingReport();
                // The model is done with (fitted, evaluated, saved): give its memory back before the next one is fitted, so the
                // run's peak is one model's, not the sum of every model's garbage.
                chain = null!;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                resolved.Add(new
                {
                    name = model.Name, pipeline = built.Path, steps = built.Steps.Select(s => new { step = s.Step, options = s.Options }),
                    training,
                });
            }
            var result = new StudyResult(spec.Name, results, study.Data.Users, study.Data.Items);
            ResultsWriter.WriteAll(result, staging, spec.Output.PerUser);
            RunManifest.Write(Path.Combine(staging, "run.json"), doc, study, results, resolved, started, context.Report);

            // Only what this run created is removed: its checkpoints and its state file.
            if (Directory.Exists(context.Checkpoints.Root)) Directory.Delete(context.Checkpoints.Root, recursive: true);
            File.Delete(Path.Combine(staging, RunState.FileName));
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
            Directory.Move(staging, output);
            return new StudyRunOutcome(result, output, times);
        }
        catch (Exception e)
        {
            if (!RunState.HasCheckpoints(staging))
            {
                try { Directory.Delete(staging, recursive: true); } catch (IOException) { }
                throw;
            }
            // Checkpoints were written: keep the folder (at the output path when that is free) for --resume.
            string kept = staging;
            try
            {
                (state with { Status = "stopped", Error = e.Message }).Write(staging);
                if (!Directory.Exists(output)) { Directory.Move(staging, output); kept = output; }
            }
            catch (IOException) { }
            throw new StudyStoppedException($"{e.Message}\nThe run stopped; its checkpoints are kept in {kept}. Continue it with:\n"
                + $"  ./blairclip run {specPath}{string.Concat(options.Overrides.Select(o => $" --set {o}"))} --resume {kept}", e) { RunDirectory = kept };
        }
    }

    /// <summary>The staging folder name's prefix for <paramref name="output"/>: <c>.NAME.partial-</c> (then the process id).</summary>
    private static string StagingPrefix(string output) => $".{Path.GetFileName(output)}.partial-";

    private static bool IsStaging(string folder) => Path.GetFileName(folder).StartsWith('.') && Path.GetFileName(folder).Contains(".partial-", StringComparison.Ordinal);

    /// <summary>Item titles in item index order (null where unknown).</summary>
    public static IReadOnlyList<string?> Titles(StudyData study)
    {
        var table = study.Data.ItemTable;
        if (table.Schema.GetColumnOrNull(Data.ItemColumns.Title) is null) return [];
        var col = DataViews.DataViewColumns.Text(table, Data.ItemColumns.Title, "titles");
        var titles = new string?[table.RowCount];
        for (int i = 0; i < titles.Length; i++) titles[i] = string.IsNullOrEmpty(col[i]) ? null : col[i];
        return titles;
    }
}
