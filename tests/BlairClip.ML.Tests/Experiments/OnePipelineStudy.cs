using BlairClip.ML.Core;
using BlairClip.ML.Experiments;
using BlairClip.ML.Experiments.Yaml;
using YamlDotNet.RepresentationModel;

namespace BlairClip.ML.Tests.Experiments;

/// <summary>Builds the pipeline of a one-model study written into <c>dir</c>: <c>p.yaml</c> holds
/// <c>pipelineYaml</c>, <c>study.yaml</c> names it with <c>modelParams</c>.</summary>
internal static class OnePipelineStudy
{
    public static BuiltPipeline Build(string dir, string pipelineYaml, string modelParams = "{}")
    {
        File.WriteAllText(Path.Combine(dir, "p.yaml"), pipelineYaml);
        var path = Path.Combine(dir, "study.yaml");
        File.WriteAllText(path, $"models:\n  - name: M\n    pipeline: p.yaml\n    params: {modelParams}\n");
        var doc = SpecDocument.Load(path);
        var node = ((YamlSequenceNode)doc["models"]!).Children[0];
        return PipelineBuilder.Build(doc.Binder.Bind<ModelSpec>(node, "models[0]"), doc, node, new BlairClipContext(baseDirectory: dir));
    }
}
