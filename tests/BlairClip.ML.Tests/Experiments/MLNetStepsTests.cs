using BlairClip.ML.Core;
using BlairClip.ML.Experiments;
using BlairClip.ML.Experiments.MLNetSteps;
using BlairClip.ML.Experiments.Yaml;
using BlairClip.ML.Models;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Tests.Conformance;
using FluentAssertions;
using Microsoft.ML.Transforms.Text;
using YamlDotNet.RepresentationModel;

namespace BlairClip.ML.Tests.Experiments;

/// <summary>ML.NET's own transforms as pipeline steps, by their catalog names, with their options.</summary>
public sealed class MLNetStepsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("blairclip-mlnet-steps").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private BuiltPipeline Build(string pipelineYaml) => OnePipelineStudy.Build(_dir, pipelineYaml);

    private const string TextChain = """
        steps:
          - step: NormalizeText
            params: { output_column: Clean, input_column: Text, case_mode: lower, keep_punctuations: false }
          - step: FeaturizeText
            params: { output_column: Words, input_columns: [Clean], word_ngram_length: 2, char_ngram_length: 0, norm: l2 }
          - step: FeaturizeText
            params: { output_column: Chars, input_columns: [Text], word_ngram_length: 0, char_ngram_length: 3, english_stop_words: true }
          - step: Concatenate
            params: { output_column: Joined, input_columns: [Words, Chars] }
          - step: NormalizeLpNorm
            params: { output_column: Features, input_column: Joined, norm: l2 }
          - step: EmbeddingRecommender
            params: { mode: text, text_column: Features, normalize: false }
        """;

    [Fact]
    public void Build_MLNetSteps_ByCatalogName_WithTheirOptions()
    {
        var built = Build(TextChain);
        built.Pipeline.ItemSteps.Select(s => s.GetType()).Should().Equal(
            typeof(NormalizeTextStep), typeof(FeaturizeTextStep), typeof(FeaturizeTextStep), typeof(ConcatenateStep), typeof(NormalizeLpNormStep));
        var words = (FeaturizeTextStepOptions)built.Steps[1].Options;
        (words.OutputColumn, words.WordNgramLength, words.CharNgramLength, words.Norm).Should().Be(("Words", 2, 0, TextFeaturizingEstimator.NormFunction.L2));
        ((NormalizeTextStepOptions)built.Steps[0].Options).CaseMode.Should().Be(TextNormalizingEstimator.CaseMode.Lower);
    }

    [Fact]
    public void Pipeline_OfMLNetSteps_PassesConformance_SaveLoadAndFreshMLContext()
    {
        var data = TinyData.Small();
        var reloaded = EstimatorConformance.Check(Build(TextChain).Pipeline, data, data.Without("Text"));
        reloaded.Fitted.ItemSteps.Should().HaveCount(5);
        reloaded.Fitted.ItemSteps.Should().OnlyContain(s => s.InputSchema != null, "ML.NET steps reload with the schema they were fitted on");
        // a ("red lipstick matte") shares words with b and c, none with the beard items.
        reloaded.RecommendForHistory(["a"], top: 2).Select(r => r.ItemId).Should().BeEquivalentTo(["b", "c"]);
    }

    [Fact]
    public void BadEnumValue_IsErrorNamingFileKeyAndChoices() =>
        FluentActions.Invoking(() => Build("steps:\n  - step: FeaturizeText\n    params: { case_mode: sideways }\n  - step: EmbeddingRecommender\n"))
            .Should().Throw<SpecException>().WithMessage("*p.yaml:*case_mode' must be one of lower | upper | none, but was 'sideways'*");

    [Fact]
    public void EmptyColumnList_IsErrorNamingTheOption() =>
        FluentActions.Invoking(() => Build("steps:\n  - step: Concatenate\n    params: { input_columns: [] }\n  - step: EmbeddingRecommender\n"))
            .Should().Throw<SpecException>().WithMessage("*p.yaml*`input_columns` must list at least one column name*");

    [Fact]
    public void MissingInputColumn_RefusedByTheWholePipelineCheck_BeforeFitting()
    {
        var built = Build("steps:\n  - step: FeaturizeText\n    params: { input_columns: [Nope] }\n  - step: EmbeddingRecommender\n    params: { mode: text, text_column: Features }\n");
        FluentActions.Invoking(() => built.Pipeline.Check(TinyData.Small())).Should().Throw<SchemaMismatchException>()
            .WithMessage("step 0 (FeaturizeTextStep): *Nope*");
    }

    [Fact]
    public void Study_WithABrokenLaterModel_IsRefusedBeforeAnyModelIsFitted()
    {
        File.WriteAllText(Path.Combine(_dir, "broken.yaml"),
            "steps:\n  - step: FeaturizeText\n    params: { input_columns: [Nope] }\n  - step: EmbeddingRecommender\n    params: { mode: text, text_column: Features }\n");
        var quickstart = File.ReadAllText(Path.Combine(RepoPaths.Root, "experiments", "quickstart.yaml"))
            .Replace("../data/", Path.Combine(RepoPaths.Root, "data") + "/");
        var study = Path.Combine(_dir, "study.yaml");
        File.WriteAllText(study, quickstart.Replace("\noutput:", "\n  - name: Broken\n    pipeline: broken.yaml\noutput:"));
        var progress = new CountingProgress();
        var output = Path.Combine(_dir, "out");
        FluentActions.Invoking(() => StudyRunner.Run(study, new StudyRunOptions { OutputDirectory = output, Progress = progress }))
            .Should().Throw<SpecException>().WithMessage("*study.yaml:*model 'Broken' (broken.yaml): step 0 (FeaturizeTextStep): *Nope*");
        progress.Stages.Should().NotContain(s => s.StartsWith("BPR"), "no model may be fitted before every pipeline is checked");
        Directory.Exists(output).Should().BeFalse();
    }

    private sealed class CountingProgress : IProgressReporter
    {
        public List<string> Stages { get; } = [];
        public IProgressTask Start(string stage, long total) { Stages.Add(stage); return NullProgress.Instance; }
    }

    [Fact]
    public void RecommenderBeforeTheLastStep_IsRefused() =>
        FluentActions.Invoking(() => Build("steps:\n  - step: Popularity\n  - step: Popularity\n"))
            .Should().Throw<SpecException>().WithMessage("*steps[0]: 'Popularity' is a recommender; only the last step may be one*");
}
