using BlairClip.ML.Experiments;
using BlairClip.ML.Experiments.Yaml;
using BlairClip.ML.Recommenders;
using FluentAssertions;

namespace BlairClip.ML.Tests.Experiments;

public class YamlBinderTests
{
    private static SpecDocument Doc(string yaml) => SpecDocument.Parse(new StringReader(yaml), "study.yaml");

    [Fact]
    public void Bind_SnakeCaseKeys_SetsPropertiesAndKeepsDefaults()
    {
        var doc = Doc("factors: 8\nlearning_rate: 0.1\n");
        var o = doc.Binder.Bind<BprOptions>(doc.Root, "params");
        o.Factors.Should().Be(8);
        o.LearningRate.Should().Be(0.1f);
        o.Epochs.Should().Be(new BprOptions().Epochs);
    }

    [Fact]
    public void Bind_UnknownKey_NamesKeyLineAndColumn()
    {
        var doc = Doc("factors: 8\n  \nfactor_count: 3\n");
        var act = () => doc.Binder.Bind<BprOptions>(doc.Root, "params");
        act.Should().Throw<SpecException>().WithMessage("study.yaml:3:1: unknown key 'factor_count' in 'params' (known: factors, epochs*");
    }

    [Fact]
    public void Bind_WrongType_NamesKeyAndValue()
    {
        var doc = Doc("factors: many\n");
        var act = () => doc.Binder.Bind<BprOptions>(doc.Root, "models.BPR.params");
        act.Should().Throw<SpecException>().WithMessage("study.yaml:1:10: 'models.BPR.params.factors' must be an integer, but was 'many'.");
    }

    [Fact]
    public void Bind_MissingRequiredKey_NamesIt()
    {
        var doc = Doc("pipeline: tfidf\n");
        var act = () => doc.Binder.Bind<ModelSpec>(doc.Root, "models[0]");
        act.Should().Throw<SpecException>().WithMessage("study.yaml:1:1: 'models[0]' is missing required key 'name'.");
    }

    [Fact]
    public void Bind_EnumAndList_ParseSnakeCaseNames()
    {
        var doc = Doc("method: leave_one_out\nvalidation: true\n");
        var s = doc.Binder.Bind<SplitSpec>(doc.Root, "split");
        s.Method.Should().Be(SplitMethod.LeaveOneOut);
        s.Validation.Should().BeTrue();
        var bad = Doc("method: random\n");
        FluentActions.Invoking(() => bad.Binder.Bind<SplitSpec>(bad.Root, "split")).Should().Throw<SpecException>()
            .WithMessage("*'split.method' must be one of leave_one_out | official, but was 'random'.");
    }

    [Theory]
    [InlineData("name: x\nmodels: [a, b\nseed: 3\n", 2)]
    [InlineData("name: x\nseed: 3\n  bad: indent\n", 3)]
    [InlineData("name: \"unterminated\nseed: 3\n", 1)]
    public void Parse_YamlSyntaxError_NamesLineAndColumn(string yaml, int line)
    {
        var act = () => Doc(yaml);
        act.Should().Throw<SpecException>().Which.Message.Should().MatchRegex($@"^study\.yaml:{line}:\d+: YAML syntax error: ");
    }

    [Fact]
    public void ApplyOverride_DottedPathByModelName_ReplacesValue()
    {
        var doc = Doc("seed: 1\nmodels:\n  - name: BPR-MF\n    pipeline: bpr-mf\n    params: { epochs: 30 }\n");
        doc.ApplyOverride("seed=7");
        doc.ApplyOverride("models.BPR-MF.params.epochs=5");
        doc.ApplyOverride("models[0].params.factors=4");
        var models = doc.Binder.Bind<List<ModelSpec>>(doc["models"], "models");
        doc.Binder.Bind<int>(doc["seed"], "seed").Should().Be(7);
        var p = doc.Binder.Bind<BprOptions>(models[0].Params, "params");
        (p.Epochs, p.Factors).Should().Be((5, 4));
        FluentActions.Invoking(() => doc.ApplyOverride("models.Nope.params.epochs=5")).Should().Throw<SpecException>().WithMessage("*no list item 'Nope'*");
        FluentActions.Invoking(() => doc.ApplyOverride("seed")).Should().Throw<SpecException>().WithMessage("*must look like key.path=value*");
    }

    [Theory]
    [InlineData("MaxFeatures", "max_features")]
    [InlineData("KCore", "k_core")]
    [InlineData("MinUserInteractions", "min_user_interactions")]
    [InlineData("ItemText", "item_text")]
    [InlineData("Seed", "seed")]
    public void SnakeCase_FromPascal_MatchesYamlKeys(string pascal, string snake) => SnakeCase.From(pascal).Should().Be(snake);
}
