using BlairClip.ML.Core;
using BlairClip.ML.Experiments;
using BlairClip.ML.Experiments.Yaml;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Tests.Conformance;
using FluentAssertions;
using YamlDotNet.RepresentationModel;

namespace BlairClip.ML.Tests.Experiments;

public sealed class PipelineBuilderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("blairclip-pipe").FullName;

    public PipelineBuilderTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "pipelines"));
        File.WriteAllText(Path.Combine(_dir, "pipelines", "bpr.yaml"),
            "description: test\nsteps:\n  - step: BprMatrixFactorization\n    params: { factors: 16, epochs: 3 }\n");
        File.WriteAllText(Path.Combine(_dir, "pipelines", "bad-step.yaml"), "steps:\n  - step: NoSuchEstimator\n");
        File.WriteAllText(Path.Combine(_dir, "pipelines", "two-tfidf.yaml"),
            "steps:\n  - step: TfIdfFeaturizer\n    params: { output_column: A }\n  - step: TfIdfFeaturizer\n    params: { output_column: B }\n  - step: ContentProfile\n    params: { features_column: B }\n");
    }

    public void Dispose() => Directory.Delete(_dir, true);

    private (ModelSpec, SpecDocument, YamlNode) Study(string modelYaml)
    {
        var path = Path.Combine(_dir, "study.yaml");
        File.WriteAllText(path, "models:\n  - " + modelYaml.Replace("\n", "\n    ") + "\n");
        var doc = SpecDocument.Load(path);
        var node = ((YamlSequenceNode)doc["models"]!).Children[0];
        return (doc.Binder.Bind<ModelSpec>(node, "models[0]"), doc, node);
    }

    [Fact]
    public void Build_StudyParamsOverridePipelineDefaults()
    {
        var (m, doc, node) = Study("name: B\npipeline: bpr\nparams: { epochs: 7 }");
        var built = PipelineBuilder.Build(m, doc, node, new BlairClipContext());
        var o = (BprOptions)built.Steps.Single().Options;
        (o.Factors, o.Epochs).Should().Be((16, 7));
        built.Path.Should().Be(Path.Combine(_dir, "pipelines", "bpr.yaml"));
    }

    [Fact]
    public void Build_UnknownParam_ListsWhatTheStepsTake()
    {
        var (m, doc, node) = Study("name: B\npipeline: bpr\nparams: { epochz: 7 }");
        FluentActions.Invoking(() => PipelineBuilder.Build(m, doc, node, new BlairClipContext())).Should().Throw<SpecException>()
            .WithMessage("*study.yaml:4:*model 'B': unknown parameter 'epochz' for pipeline bpr.yaml (BprMatrixFactorization takes factors, epochs,*");
    }

    [Fact]
    public void Build_InvalidValue_NamesStudyFileAndOption()
    {
        var (m, doc, node) = Study("name: B\npipeline: bpr\nparams: { factors: 0 }");
        FluentActions.Invoking(() => PipelineBuilder.Build(m, doc, node, new BlairClipContext())).Should().Throw<SpecException>()
            .WithMessage("*study.yaml:*model 'B': `factors` must be positive, but was 0.");
    }

    [Fact]
    public void Build_UnknownPipelineOrStep_IsClearError()
    {
        var (m, doc, node) = Study("name: B\npipeline: nope");
        FluentActions.Invoking(() => PipelineBuilder.Build(m, doc, node, new BlairClipContext())).Should().Throw<SpecException>()
            .WithMessage("*unknown pipeline 'nope'*");
        (m, doc, node) = Study("name: B\npipeline: bad-step");
        FluentActions.Invoking(() => PipelineBuilder.Build(m, doc, node, new BlairClipContext())).Should().Throw<SpecException>()
            .WithMessage("*bad-step.yaml*unknown step 'NoSuchEstimator' (known: *BprMatrixFactorization*");
    }

    [Fact]
    public void ShippedClipPipeline_EnumOptions_BindFromTheirYamlNames()
    {
        var (m, doc, node) = Study($"name: C\npipeline: {Path.Combine(RepoPaths.Root, "pipelines", "clip.yaml")}\nparams: {{ dtype: bf16, missing_image: skip }}");
        var built = PipelineBuilder.Build(m, doc, node, new BlairClipContext());
        var image = (BlairClip.Towers.Encoding.ImageTowerEncoderOptions)built.Steps.Single(s => s.Step == "ImageTowerEncoder").Options;
        (image.Dtype, image.MissingImage).Should().Be((BlairClip.Towers.TowerPrecision.Bf16, BlairClip.Towers.Encoding.MissingImagePolicy.Skip));
        ((BlairClip.Towers.Encoding.TextTowerEncoderOptions)built.Steps.Single(s => s.Step == "TextTowerEncoder").Options).Dtype.Should().Be(BlairClip.Towers.TowerPrecision.Bf16);
    }

    [Fact]
    public void ShippedPipelines_AllBuild()
    {
        var repo = RepoPaths.Root;
        foreach (var file in Directory.GetFiles(Path.Combine(repo, "pipelines"), "*.yaml"))
        {
            var (m, doc, node) = Study($"name: X\npipeline: {file}");
            PipelineBuilder.Build(m, doc, node, new BlairClipContext()).Pipeline.Recommender.Should().NotBeNull(file);
        }
    }

    [Fact]
    public void Build_PlainKeyOnSeveralSteps_SetsEach_StepKeyTargetsOne()
    {
        var (m, doc, node) = Study("name: T\npipeline: two-tfidf\nparams: { max_features: 7, 1.min_df: 2 }");
        var steps = PipelineBuilder.Build(m, doc, node, new BlairClipContext()).Steps;
        var first = (BlairClip.ML.Text.TfIdfOptions)steps[0].Options;
        var second = (BlairClip.ML.Text.TfIdfOptions)steps[1].Options;
        (first.MaxFeatures, second.MaxFeatures).Should().Be((7, 7));
        (first.MinDf, second.MinDf).Should().Be((1, 2));
        (first.OutputColumn, second.OutputColumn).Should().Be(("A", "B"), "pipeline defaults stay where not overridden");
    }
}
