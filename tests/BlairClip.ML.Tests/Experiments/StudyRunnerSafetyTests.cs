using BlairClip.ML.Core;
using BlairClip.ML.Experiments;
using BlairClip.ML.Experiments.Yaml;
using BlairClip.ML.Tests.Data;
using FluentAssertions;

namespace BlairClip.ML.Tests.Experiments;

/// <summary>Issue 11: a run never destroys what it did not create, and a bad study fails before any data is read.</summary>
public sealed class StudyRunnerSafetyTests : IDisposable
{
    private readonly TestFiles _files = new();
    public void Dispose() => _files.Dispose();

    private string Study(string models, string data = "")
    {
        data = data.Length > 0 ? data : $"{{ format: amazon2023, reviews: {RepoPaths.AllBeauty}/All_Beauty.jsonl, meta: {RepoPaths.AllBeauty}/meta_All_Beauty.jsonl }}";
        return _files.Write("study.yaml", "name: safety", $"data: {data}", "split: { method: leave_one_out }", "evaluation: { metrics: [Recall@10] }",
            "models:", models, "output: { save_models: false, per_user: false }");
    }

    private const string Popularity = "  - { name: Popularity, pipeline: popularity }";
    private const string Missing = "{ format: amazon2023, reviews: no-such-reviews.jsonl, meta: no-such-meta.jsonl }";

    [Fact]
    public void Force_ReplacesOnlyAnEarlierResultsFolder()
    {
        var spec = Study(Popularity);
        var mine = Path.Combine(_files.Dir, "mine");
        Directory.CreateDirectory(mine);
        File.WriteAllText(Path.Combine(mine, "thesis.tex"), "three years");
        FluentActions.Invoking(() => StudyRunner.Run(spec, new StudyRunOptions { OutputDirectory = mine, Force = true }))
            .Should().Throw<IOException>().WithMessage("*--force would replace*not an earlier results folder*thesis.tex*");
        File.ReadAllText(Path.Combine(mine, "thesis.tex")).Should().Be("three years");
        FluentActions.Invoking(() => StudyRunner.Run(spec, new StudyRunOptions { OutputDirectory = _files.Dir, Force = true }))
            .Should().Throw<IOException>("the study's own folder is never replaced");
        File.Exists(spec).Should().BeTrue();

        var results = Path.Combine(_files.Dir, "results");
        StudyRunner.Run(spec, new StudyRunOptions { OutputDirectory = results });
        StudyRunner.Run(spec, new StudyRunOptions { OutputDirectory = results, Force = true }).OutputDirectory.Should().Be(results, "an earlier results folder is replaced");
        FluentActions.Invoking(() => StudyRunner.Run(spec, new StudyRunOptions { OutputDirectory = spec }))
            .Should().Throw<IOException>().WithMessage("*is a file*");
    }

    [Fact]
    public void AnotherRunFillingTheOutput_IsNeverReplaced_TheDefaultPathGetsASuffix()
    {
        var spec = Study(Popularity);
        // Another run fills the output folder while this one evaluates.
        var explicitOut = Path.Combine(_files.Dir, "shared");
        var sneaky = new OnStage("evaluate", () => { Directory.CreateDirectory(explicitOut); File.WriteAllText(Path.Combine(explicitOut, "run.json"), "{}"); });
        FluentActions.Invoking(() => StudyRunner.Run(spec, new StudyRunOptions { OutputDirectory = explicitOut, Progress = sneaky }))
            .Should().Throw<IOException>().WithMessage("*filled by another run*");
        File.ReadAllText(Path.Combine(explicitOut, "run.json")).Should().Be("{}", "nothing of the other run is lost");

        // Default results/<name>/<timestamp>: a run that finds its timestamp taken finishes beside it.
        var root = Path.Combine(_files.Dir, "results-root");
        var taken = new OnStage("evaluate", () =>
        {
            var staging = Directory.GetDirectories(Path.Combine(root, "safety"), ".*.partial-*").Single();
            var name = Path.GetFileName(staging)[1..Path.GetFileName(staging).IndexOf(".partial-", StringComparison.Ordinal)];
            Directory.CreateDirectory(Path.Combine(root, "safety", name));
            File.WriteAllText(Path.Combine(root, "safety", name, "run.json"), "{}");
        });
        var outcome = StudyRunner.Run(spec, new StudyRunOptions { ResultsRoot = root, Progress = taken });
        outcome.OutputDirectory.Should().EndWith("-2");
        Directory.GetDirectories(Path.Combine(root, "safety")).Should().HaveCount(2);
    }

    [Fact]
    public void BadStudies_FailBeforeAnyDataIsRead_NamingTheKey()
    {
        // The data files do not exist: a check that ran after loading would report them instead.
        FluentActions.Invoking(() => StudyRunner.Run(Study("  - { name: BPR_MF, pipeline: bpr-mf }\n  - { name: BPR/MF, pipeline: bpr-mf }", Missing), new()))
            .Should().Throw<SpecException>().WithMessage("*study.yaml:*models 'BPR_MF' and 'BPR/MF' would both write models/BPR_MF.zip*");
        FluentActions.Invoking(() => StudyRunner.Run(Study("  - { name: B, pipeline: bpr-mf, params: { factors: -3 } }", Missing), new()))
            .Should().Throw<SpecException>().WithMessage("*study.yaml:*factors*");
        FluentActions.Invoking(() => StudyRunner.Run(Study("  - { name: B, pipeline: no-such-pipeline }", Missing), new()))
            .Should().Throw<SpecException>().WithMessage("*no-such-pipeline*");
        var badMetric = _files.Write("metric.yaml", "name: m", $"data: {Missing}", "evaluation: { metrics: [Recall@ten] }", "models:", Popularity);
        FluentActions.Invoking(() => StudyRunner.Run(badMetric, new()))
            .Should().Throw<SpecException>().WithMessage("*metric.yaml:3:*Recall@ten*");
        var none = _files.Write("none.yaml", "name: n", $"data: {Missing}", "models: []");
        FluentActions.Invoking(() => StudyRunner.Run(none, new())).Should().Throw<SpecException>().WithMessage("*lists no models*");
    }

    [Fact]
    public void NoTestUsers_SaysWhatHappened()
    {
        _files.Write("r.jsonl", """{"user_id": "a", "parent_asin": "X", "timestamp": 1}""", """{"user_id": "b", "parent_asin": "Y", "timestamp": 2}""");
        _files.Write("m.jsonl", """{"parent_asin": "X", "title": "x"}""", """{"parent_asin": "Y", "title": "y"}""");
        var spec = Study(Popularity, "{ format: amazon2023, reviews: r.jsonl, meta: m.jsonl, item_text: [title] }");
        FluentActions.Invoking(() => StudyRunner.Run(spec, new StudyRunOptions { OutputDirectory = Path.Combine(_files.Dir, "o") }))
            .Should().Throw<SpecException>().WithMessage("*no test users*nothing to evaluate*");
    }

    [Fact]
    public void StaleStagingFolders_OfGoneProcesses_AreRemoved_ExceptThoseWithCheckpoints()
    {
        var spec = Study(Popularity);
        var root = Path.Combine(_files.Dir, "out");
        Directory.CreateDirectory(root);
        string Stale(string name, bool checkpoints)
        {
            var dir = Path.Combine(root, $".{name}.partial-999999");
            Directory.CreateDirectory(Path.Combine(dir, "checkpoints", "M"));
            File.WriteAllText(Path.Combine(dir, "run.state.json"), "{}");
            if (checkpoints) File.WriteAllText(Path.Combine(dir, "checkpoints", "M", "w.bin"), "x");
            return dir;
        }
        var dead = Stale("old", checkpoints: false);
        var resumable = Stale("resumable", checkpoints: true);
        var foreign = Path.Combine(root, ".notes.partial-999999");
        Directory.CreateDirectory(foreign);  // not ours: no run.state.json
        var log = new StringWriter();
        StudyRunner.Run(spec, new StudyRunOptions { OutputDirectory = Path.Combine(root, "new"), Log = log });
        Directory.Exists(dead).Should().BeFalse();
        Directory.Exists(resumable).Should().BeTrue();
        Directory.Exists(foreign).Should().BeTrue("a folder without our run.state.json is never touched");
        log.ToString().Should().Contain($"--resume {resumable}");
    }

    [Fact]
    public void Interrupt_StopsAtTheNextStep_AndLeavesNothing()
    {
        var spec = Study(Popularity);
        var output = Path.Combine(_files.Dir, "interrupted");
        using var interruption = new BlairClip.Cli.Interruption();
        var watched = interruption.Watch(new OnStage("evaluate", interruption.Request));
        FluentActions.Invoking(() => StudyRunner.Run(spec, new StudyRunOptions { OutputDirectory = output, Progress = watched }))
            .Should().Throw<OperationCanceledException>();
        Directory.Exists(output).Should().BeFalse();
        Directory.GetDirectories(_files.Dir, ".*").Should().BeEmpty("the staging folder is removed on an interrupt");
    }

    /// <summary>Runs an action when a progress stage of that name starts (another process acting meanwhile).</summary>
    private sealed class OnStage(string stage, Action action) : IProgressReporter
    {
        public IProgressTask Start(string name, long total)
        {
            if (name == stage) action();
            return NullProgress.Instance;
        }
    }
}
