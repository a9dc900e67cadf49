using Microsoft.ML;
using BlairClip.ML.Core;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Experiments.Yaml;
using YamlDotNet.RepresentationModel;

namespace BlairClip.ML.Experiments;

/// <summary>A pipeline ready to fit: its file, its steps' options (after study overrides) and the pipeline.</summary>
public sealed record BuiltPipeline(string Path, IReadOnlyList<(string Step, object Options)> Steps, RecommenderPipeline Pipeline);

/// <summary>Turns a study's model entry (<c>pipeline</c> + <c>params</c>) into an estimator chain.
/// <para>Resolution: a value ending in <c>.yaml</c>/<c>.yml</c> or containing a slash is a path relative to the study;
/// otherwise <c>NAME</c> is <c>pipelines/NAME.yaml</c>, looked up in <c>$BLAIRCLIP_PIPELINES</c>, then in a
/// <c>pipelines/</c> folder beside the study or any folder above it, then above the program.</para>
/// <para>Parameters: a study key <c>k</c> goes to every step whose options have <c>k</c>; <c>Step.k</c> (step name)
/// or <c>N.k</c> (0-based step index) picks one step. Unknown keys are errors naming the key and listing the known ones.</para></summary>
public static class PipelineBuilder
{
    public static string Resolve(string pipeline, SpecDocument study, YamlNode at)
    {
        if (pipeline.EndsWith(".yaml", StringComparison.Ordinal) || pipeline.EndsWith(".yml", StringComparison.Ordinal) || pipeline.Contains('/'))
        {
            var p = study.Resolve(pipeline);
            return File.Exists(p) ? p : throw study.Binder.Error(at, $"pipeline file '{pipeline}' not found (looked at {p}).");
        }
        var searched = new List<string>();
        foreach (var dir in SearchFolders(study.Directory))
        {
            var candidate = Path.Combine(dir, pipeline + ".yaml");
            if (File.Exists(candidate)) return candidate;
            searched.Add(dir);
        }
        throw study.Binder.Error(at, $"unknown pipeline '{pipeline}': no {pipeline}.yaml in {string.Join(", ", searched.Distinct())}.");
    }

    private static IEnumerable<string> SearchFolders(string studyDir)
    {
        if (Environment.GetEnvironmentVariable("BLAIRCLIP_PIPELINES") is { Length: > 0 } env) yield return env;
        foreach (var start in new[] { studyDir, AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (Directory.Exists(Path.Combine(d.FullName, "pipelines"))) yield return Path.Combine(d.FullName, "pipelines");
    }

    /// <summary>Builds the chain for <paramref name="model"/> of <paramref name="study"/>.</summary>
    /// <exception cref="SpecException">Unknown step, unknown/ambiguous/invalid parameter, or a last step that does not
    /// produce a recommender; the message names the file, line and key.</exception>
    public static BuiltPipeline Build(ModelSpec model, SpecDocument study, YamlNode modelNode, BlairClipContext context)
    {
        var path = Resolve(model.Pipeline, study, modelNode);
        var doc = SpecDocument.Load(path);
        var spec = doc.Binder.Bind<PipelineSpec>(doc.Root, "");
        if (spec.Steps.Count == 0) throw doc.Binder.Error(doc.Root, "'steps' must list at least one estimator.");

        var types = new List<(string Name, Type Estimator, Type Options)>();
        foreach (var (s, i) in spec.Steps.Select((s, i) => (s, i)))
        {
            if (!PipelineSteps.TryGet(s.Step, out var est, out var opt))
                throw doc.Binder.Error(doc.Root, $"steps[{i}]: unknown step '{s.Step}' (known: {string.Join(", ", PipelineSteps.Names.Order())}).");
            types.Add((s.Step, est, opt));
        }
        if (!PipelineSteps.IsRecommender(types[^1].Estimator))
            throw doc.Binder.Error(doc.Root, $"the last step '{types[^1].Name}' does not produce a recommender.");
        for (int i = 0; i < types.Count - 1; i++)
            if (!PipelineSteps.IsItemStep(types[i].Estimator))
                throw doc.Binder.Error(doc.Root, $"steps[{i}]: '{types[i].Name}' is a recommender; only the last step may be one (the others transform the item table).");

        // Route the study's params to steps.
        var overrides = types.Select(_ => new YamlMappingNode()).ToArray();
        var overrideNodes = new Dictionary<(int, string), YamlNode>();
        if (model.Params is { } ps)
            foreach (var (k, v) in ps.Children)
            {
                var key = ((YamlScalarNode)k).Value!;
                string name;
                List<int> targets;
                int dot = key.IndexOf('.');
                if (dot > 0)
                {
                    var head = key[..dot];
                    name = key[(dot + 1)..];
                    int step = int.TryParse(head, out var n) ? n : types.FindIndex(t => t.Name == head);
                    if (step < 0 || step >= types.Count)
                        throw study.Binder.Error(k, $"model '{model.Name}': params key '{key}' names no step of {Path.GetFileName(path)} (steps: {string.Join(", ", types.Select(t => t.Name))}).");
                    if (!YamlBinder.KeysOf(types[step].Options).Contains(name))
                        throw study.Binder.Error(k, $"model '{model.Name}': step {types[step].Name} has no parameter '{name}' (known: {string.Join(", ", YamlBinder.KeysOf(types[step].Options))}).");
                    targets = [step];
                }
                else
                {
                    // A plain key sets the parameter on every step that has it (e.g. one CLIP checkpoint or device for
                    // both encoders); `Step.key` targets one step.
                    name = key;
                    targets = Enumerable.Range(0, types.Count).Where(i => YamlBinder.KeysOf(types[i].Options).Contains(key)).ToList();
                    if (targets.Count == 0)
                        throw study.Binder.Error(k, $"model '{model.Name}': unknown parameter '{key}' for pipeline {Path.GetFileName(path)} ("
                            + string.Join("; ", types.Select(t => $"{t.Name} takes {string.Join(", ", YamlBinder.KeysOf(t.Options))}")) + ").");
                }
                foreach (var step in targets)
                {
                    overrides[step].Children[new YamlScalarNode(name)] = v;
                    overrideNodes[(step, name)] = k;
                }
            }

        var estimators = new List<object>();
        var steps = new List<(string, object)>();
        for (int i = 0; i < types.Count; i++)
        {
            var (name, estType, optType) = types[i];
            // Validate each file's keys with that file's binder, then bind the merged mapping.
            study.Binder.Bind(optType, overrides[i], $"models.{model.Name}.params");
            var defaults = spec.Steps[i].Params ?? new YamlMappingNode();
            doc.Binder.Bind(optType, defaults, $"steps[{i}].params");
            var merged = new YamlMappingNode();
            foreach (var (k, v) in defaults.Children) merged.Children[k] = v;
            foreach (var (k, v) in overrides[i].Children) merged.Children[k] = v;
            var options = doc.Binder.Bind(optType, merged, $"steps[{i}].params")!;
            try
            {
                estimators.Add(PipelineSteps.Create(estType, context, options));
            }
            catch (InvalidOptionException e)
            {
                if (overrideNodes.TryGetValue((i, e.Option), out var at))
                    throw study.Binder.Error(at, $"model '{model.Name}': {e.Message}.");
                throw doc.Binder.Error(defaults.Children.FirstOrDefault(c => ((YamlScalarNode)c.Key).Value == e.Option).Key ?? doc.Root,
                    $"step {name}: {e.Message}.");
            }
            steps.Add((name, options));
        }
        return new BuiltPipeline(path, steps, new RecommenderPipeline(
            estimators.Take(estimators.Count - 1).Cast<IEstimator<ITransformer>>().ToList(), (IRecommenderEstimator)estimators[^1]));
    }
}
