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
/// target and renamed into place at the end, so an interrupted run leaves no half-written results.</summary>
public static class StudyRunner
{
    public static StudyRunOutcome Run(string specPath, StudyRunOptions options)
    {
        var started = DateTime.UtcNow;
        var doc = SpecDocument.Load(specPath);
        foreach (var o in options.Overrides) doc.ApplyOverride(o);
        var name = doc.Binder.Bind<StudySpec>(doc.Root, "").Name;

        var output = Path.GetFullPath(options.OutputDirectory
            ?? Path.Combine(options.ResultsRoot, ModelResult.FileStemOf(name), started.ToLocalTime().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() && !options.Force)
            throw new IOException($"Output folder {output} is not empty; pass --force to replace it.");

        var times = new StageTimes();
        var log = options.Log ?? TextWriter.Null;
        var seed = doc.Binder.Bind<StudySpec>(doc.Root, "").Seed;
        var context = new BlairClipContext(seed, options.Progress, doc.Directory);
        var study = StudyData.Prepare(doc, times, context);
        var spec = study.Spec;
        log.WriteLine($"data: {study.Data.Users.Count} users, {study.Data.Items.Count} items, {study.Split.Train.Count} training interactions, {study.Split.Test.Count} test users");

        var staging = Path.Combine(Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}.partial-{Environment.ProcessId}");
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
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
                var chain = built.Pipeline.Fit(study.Train);
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
                    ModelArchive.Save(saved, Path.Combine(staging, "models", ModelResult.FileStemOf(model.Name) + ".zip"));
                }
                resolved.Add(new
                {
                    name = model.Name, pipeline = built.Path, steps = built.Steps.Select(s => new { step = s.Step, options = s.Options }),
                    training = (chain.Recommender as IReportsTraining)?.TrainingReport(),
                });
            }
            var result = new StudyResult(spec.Name, results, study.Data.Users, study.Data.Items);
            ResultsWriter.WriteAll(result, staging, spec.Output.PerUser);
            RunManifest.Write(Path.Combine(staging, "run.json"), doc, study, results, resolved, started, context.Report);

            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            Directory.Move(staging, output);
            return new StudyRunOutcome(result, output, times);
        }
        catch
        {
            try { Directory.Delete(staging, recursive: true); } catch (IOException) { }
            throw;
        }
    }

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
