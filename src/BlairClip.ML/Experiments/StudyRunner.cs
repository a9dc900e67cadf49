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
    /// <summary>What else is written into the finished results folder before it is moved into place (after the tables,
    /// per-user CSVs, curves, data profile and run.json), in order — e.g. the HTML report. None by default: a caller
    /// registers each one explicitly.</summary>
    public IReadOnlyList<IRunFolderWriter> FolderWriters { get; init; } = [];
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
        var bound = doc.Binder.Bind<StudySpec>(doc.Root, "");
        var (output, resumed) = ResolveOutput(specPath, options, bound.Name, started);
        var staging = StagingFolder(output, options.Resume);

        // The whole study is validated before any data is read: every model's pipeline and options, names, metrics.
        var times = new StageTimes();
        var log = options.Log ?? TextWriter.Null;
        var context = new BlairClipContext(bound.Seed, options.Progress, doc.Directory);
        context.Checkpoints.Root = Path.Combine(staging, RunState.CheckpointsFolder);
        var pipelines = BuildPipelines(doc, bound, context);
        RankingEvaluator evaluator;
        try { evaluator = context.Evaluation.Ranking(bound.Evaluation); }
        catch (InvalidOptionException e)
        {
            // Named like every other key error: file:line:col of the offending key under evaluation:.
            var section = doc["evaluation"] as YamlMappingNode;
            var node = section?.Children.FirstOrDefault(c => c.Key.ToString() == e.Option).Value ?? (YamlNode?)section ?? doc.Root;
            throw doc.Binder.Error(node, $"evaluation.{e.Option}: {e.Message}");
        }

        var study = StudyData.Prepare(doc, times, context);
        var spec = study.Spec;
        log.WriteLine($"data: {study.Data.Users.Count} users, {study.Data.Items.Count} items, {study.Split.Train.Count} training interactions, {study.Split.Test.Count} test users");
        if (study.Split.Test.Count == 0)
            throw doc.Binder.Error(doc["split"] ?? doc["filter"], $"no test users: after filtering ({study.Data.Users.Count} users, {study.Data.Report.Get("interactions")} interactions) "
                + "no user has enough interactions to hold one out (leave_one_out needs 2, 3 with validation); nothing to evaluate.");
        CheckPipelines(doc, pipelines, study);

        try { Directory.CreateDirectory(Path.GetDirectoryName(output)!); }
        catch (UnauthorizedAccessException e) { throw new IOException($"Output folder {output}: cannot create {Path.GetDirectoryName(output)} ({e.Message}).", e); }
        RemoveStaleStaging(output, log);
        if (!CanWrite(Path.GetDirectoryName(output)!))
            throw new IOException($"Output folder {output}: its parent folder {Path.GetDirectoryName(output)} is not writable; choose another --output.");
        if (options.Resume is null) Directory.CreateDirectory(staging);
        else if (Path.GetFullPath(options.Resume) != staging) Directory.Move(Path.GetFullPath(options.Resume), staging);
        var state = RunState.Running(specPath, options.Overrides, output);
        state.Write(staging);
        log.WriteLine($"working in {staging} (renamed to {output} when the run completes; --resume it if this process is killed after checkpoints)");
        try
        {
            var results = new List<ModelResult>();
            var resolved = new List<object>();
            var titles = Titles(study);
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
            result = result with
            {
                Significance = times.Time("significance", () => Significance.Compute(result, spec.Evaluation.Baseline, spec.Seed)),
                Slices = spec.Evaluation.Slices is { } slices
                    ? SliceTable.Assign(slices, study.Split.Test, study.TestHistories, study.Split.Train, study.Data.Items.Count) : null,
                Curves = results.ToDictionary(r => r.Name, r => RankCurves.Compute(r.Evaluation, spec.Evaluation.Ties)),
                Profile = Data.DataProfile.Compute(study.Data, study.Split),
            };
            ResultsWriter.WriteAll(result, staging, spec.Output.PerUser);
            RunManifest.Write(Path.Combine(staging, "run.json"), doc, study, results, resolved, started, context.Report);
            foreach (var writer in options.FolderWriters)
            {
                var watch = Stopwatch.StartNew();
                writer.Write(staging);
                log.WriteLine($"{writer.Name}: written in {watch.Elapsed.TotalSeconds:F2}s");
            }

            // Only what this run created is removed: its checkpoints and its state file.
            if (Directory.Exists(context.Checkpoints.Root)) Directory.Delete(context.Checkpoints.Root, recursive: true);
            File.Delete(Path.Combine(staging, RunState.FileName));
            var final = MoveIntoPlace(staging, output, options, resumed is not null);
            return new StudyRunOutcome(result, final, times);
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

    /// <summary>Where the run's results go, checked before any work: an explicit <c>--output</c> must be absent, empty, or —
    /// with <c>--force</c> — an earlier results folder (it holds our run.json and nothing else we would lose); the default
    /// <c>results/&lt;name&gt;/&lt;timestamp&gt;/</c>; or, with <c>--resume</c>, the resumed run's folder.</summary>
    private static (string Output, RunState? Resumed) ResolveOutput(string specPath, StudyRunOptions options, string name, DateTime started)
    {
        if (options.Resume is not null && options.OutputDirectory is not null)
            throw new IOException("--resume continues RUN_DIR in place and writes its results there; it cannot be combined with --output.");
        if (options.Resume is { } resumeDir)
        {
            resumeDir = Path.GetFullPath(resumeDir);
            var resumed = RunState.Read(resumeDir);
            if (resumed.Fingerprint != RunState.Of(specPath, options.Overrides))
                throw new IOException($"--resume {resumeDir}: it was started from {resumed.Spec} with other contents or other --set values; "
                    + "resume it with the same spec file and the same --set options.");
            // A killed run's staging folder finishes where that run was going; a kept folder finishes where it is.
            var target = IsStaging(resumeDir) ? resumed.Output : resumeDir;
            if (target != resumeDir && Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
                throw new IOException($"--resume {resumeDir}: its results would go to {target}, which is not empty now; move that folder away first.");
            return (target, resumed);
        }
        var output = Path.GetFullPath(options.OutputDirectory
            ?? Path.Combine(options.ResultsRoot, ModelResult.FileStemOf(name), started.ToLocalTime().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
        if (File.Exists(output)) throw new IOException($"--output {output} is a file; give a folder.");
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            if (!options.Force) throw new IOException($"Output folder {output} is not empty; pass --force to replace it.");
            CheckReplaceable(output, options);
        }
        return (output, null);
    }

    /// <summary><c>--force</c> replaces only a folder that is recognisably an earlier run's results: it holds our
    /// <c>run.json</c> and only the files and folders a run writes. Anything else is refused, naming what would be lost.</summary>
    private static void CheckReplaceable(string folder, StudyRunOptions options)
    {
        string[] ours = ["run.json", "results.md", "results.csv", "results.json", ResultsWriter.CurvesFile, ResultsWriter.ProfileFile, "per_user", "models",
            .. options.FolderWriters.SelectMany(w => w.Creates)];
        var foreign = Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Where(n => !ours.Contains(n)).Order(StringComparer.Ordinal).ToList();
        if (!File.Exists(Path.Combine(folder, "run.json")) || foreign.Count > 0)
            throw new IOException($"--force would replace {folder}, which is not an earlier results folder of this program "
                + (foreign.Count > 0 ? $"(it holds {string.Join(", ", foreign.Take(5))}{(foreign.Count > 5 ? $" and {foreign.Count - 5} more" : "")})" : "(it has no run.json)")
                + "; choose another --output.");
    }

    /// <summary>This run's private staging folder beside <paramref name="output"/>: <c>.NAME.partial-PID</c>, with a suffix
    /// when one of that name exists (a killed process with the same id may have left one with checkpoints to resume).</summary>
    private static string StagingFolder(string output, string? resume)
    {
        var parent = Path.GetDirectoryName(output)!;
        var resumeFull = resume is null ? null : Path.GetFullPath(resume);
        var staging = Path.Combine(parent, $"{StagingPrefix(output)}{Environment.ProcessId}");
        for (int n = 2; Directory.Exists(staging) && staging != resumeFull; n++)
            staging = Path.Combine(parent, $"{StagingPrefix(output)}{Environment.ProcessId}-{n}");
        return staging;
    }

    /// <summary>Removes staging folders beside <paramref name="output"/> that a killed run left behind: their process is
    /// gone and they hold no checkpoints (those are kept: <c>--resume</c> can continue them, and the log says so).</summary>
    private static void RemoveStaleStaging(string output, TextWriter log)
    {
        var parent = Path.GetDirectoryName(output)!;
        if (!Directory.Exists(parent)) return;
        foreach (var dir in Directory.EnumerateDirectories(parent, $".*{PartialMarker}*"))
        {
            var tail = Path.GetFileName(dir)[(Path.GetFileName(dir).LastIndexOf(PartialMarker, StringComparison.Ordinal) + PartialMarker.Length)..];
            if (!int.TryParse(tail.Split('-')[0], out int pid) || ProcessAlive(pid) || !File.Exists(Path.Combine(dir, RunState.FileName))) continue;
            if (RunState.HasCheckpoints(dir)) { log.WriteLine($"note: {dir} is a killed run with checkpoints; continue it with --resume {dir}"); continue; }
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>True when a file can be created in <paramref name="folder"/> (probed with a temporary file).</summary>
    private static bool CanWrite(string folder)
    {
        var probe = Path.Combine(folder, $".blairclip-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try { File.WriteAllBytes(probe, []); File.Delete(probe); return true; }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException) { return false; }
    }

    private static bool ProcessAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>Renames the finished staging folder into place, never replacing a folder this run does not own: an
    /// output another run created meanwhile is an error (or, for the default timestamped path, a new suffix), and
    /// <c>--force</c> replaces only an earlier results folder (checked again now).</summary>
    private static string MoveIntoPlace(string staging, string output, StudyRunOptions options, bool resumed)
    {
        if (Directory.Exists(output) && !resumed)
        {
            bool empty = !Directory.EnumerateFileSystemEntries(output).Any();
            if (empty) Directory.Delete(output);
            else if (options.Force) { CheckReplaceable(output, options); Directory.Delete(output, recursive: true); }
            else if (options.OutputDirectory is null)
            {
                // Another run took this timestamp: a fresh name beside it.
                int n = 2;
                while (Directory.Exists($"{output}-{n}")) n++;
                output = $"{output}-{n}";
            }
            else
            {
                throw new IOException($"Output folder {output} was filled by another run while this one ran; nothing in it was touched, and this run's results were not kept.");
            }
        }
        try { Directory.Move(staging, output); }
        catch (IOException) when (Directory.Exists(output) && options.OutputDirectory is null)
        {
            output = $"{output}-{Environment.ProcessId}";
            Directory.Move(staging, output);
        }
        return output;
    }

    /// <summary>Every model's pipeline built from the study (names unique, file names unique, options valid), before any
    /// data is loaded.</summary>
    private static List<BuiltPipeline> BuildPipelines(SpecDocument doc, StudySpec spec, BlairClipContext context)
    {
        var modelNodes = (doc["models"] as YamlSequenceNode)?.Children ?? [];
        if (spec.Models.Count == 0) throw doc.Binder.Error(doc["models"] ?? doc.Root, "the study lists no models; add at least one under models:.");
        var pipelines = new List<BuiltPipeline>();
        for (int m = 0; m < spec.Models.Count; m++)
        {
            var model = spec.Models[m];
            if (spec.Models.Take(m).Any(r => r.Name == model.Name))
                throw doc.Binder.Error(modelNodes[m], $"two models are named '{model.Name}'.");
            if (spec.Models.Take(m).FirstOrDefault(r => ModelResult.FileStemOf(r.Name) == ModelResult.FileStemOf(model.Name)) is { } other)
                throw doc.Binder.Error(modelNodes[m], $"models '{other.Name}' and '{model.Name}' would both write models/{ModelResult.FileStemOf(model.Name)}.zip "
                    + "and per_user/" + ModelResult.FileStemOf(model.Name) + ".csv; rename one.");
            pipelines.Add(PipelineBuilder.Build(model, doc, modelNodes[m], context));
        }
        if (spec.Evaluation.Baseline is { } baseline && spec.Models.All(m => m.Name != baseline))
            throw doc.Binder.Error((doc["evaluation"] as YamlMappingNode)?.Children.FirstOrDefault(c => c.Key.ToString() == "baseline").Value ?? doc["evaluation"],
                $"evaluation.baseline '{baseline}' is not a model of the study (models: {string.Join(", ", spec.Models.Select(m => m.Name))}).");
        return pipelines;
    }

    /// <summary>Every pipeline's schemas checked through all steps against the loaded data, before the first model is fitted.</summary>
    private static void CheckPipelines(SpecDocument doc, List<BuiltPipeline> pipelines, StudyData study)
    {
        var modelNodes = ((YamlSequenceNode)doc["models"]!).Children;
        for (int m = 0; m < pipelines.Count; m++)
        {
            try
            {
                pipelines[m].Pipeline.Check(study.Train);
            }
            catch (SchemaMismatchException e)
            {
                throw doc.Binder.Error(modelNodes[m], $"model '{study.Spec.Models[m].Name}' ({Path.GetFileName(pipelines[m].Path)}): {e.Message}");
            }
        }
    }

    /// <summary>The staging folder name's prefix for <paramref name="output"/>: <c>.NAME.partial-</c> (then the process id).</summary>
    private static string StagingPrefix(string output) => $".{Path.GetFileName(output)}{PartialMarker}";

    private const string PartialMarker = ".partial-";

    private static bool IsStaging(string folder) => Path.GetFileName(folder).StartsWith('.') && Path.GetFileName(folder).Contains(PartialMarker, StringComparison.Ordinal);

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
