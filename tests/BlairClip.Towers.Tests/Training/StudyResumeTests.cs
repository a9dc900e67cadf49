using BlairClip.ML.Experiments;
using BlairClip.ML.Tests;
using BlairClip.ML.Tests.Data;
using FluentAssertions;

namespace BlairClip.Towers.Tests.Training;

/// <summary><c>./blairclip run … --resume RUN_DIR</c> through the study runner: a study with BLaIR-CLIP (save_every)
/// crashes mid-training, keeps its folder, and the resumed run writes exactly the results of an uninterrupted one.</summary>
public sealed class StudyResumeTests : IDisposable
{
    private readonly TestFiles _files = new();
    private string Dir => _files.Dir;

    public void Dispose() => _files.Dispose();

    private string WriteStudy()
    {
        string[] colours = ["red", "blue", "green", "black"], kinds = ["dress", "shirt", "shoe"];
        var items = Enumerable.Range(0, 24).ToArray();
        File.WriteAllLines(Path.Combine(Dir, "items.csv"), ["id,title", .. items.Select(i => $"p{i},{colours[i % 4]} {kinds[i % 3]}")]);
        File.WriteAllLines(Path.Combine(Dir, "features.csv"), ["id,a,b,c,d,e,f,g", .. items.Select(i =>
            $"p{i},{string.Join(',', Enumerable.Range(0, 7).Select(k => k == i % 4 || k == 4 + i % 3 ? "1" : "0.1"))}")]);
        File.WriteAllLines(Path.Combine(Dir, "interactions.csv"), ["user,item,ts", .. Enumerable.Range(0, 16).SelectMany(u =>
            Enumerable.Range(0, 5).Select(t => $"u{u},p{(u + 2 * t) % 24},{t}"))]);
        var pipeline = Path.Combine(RepoPaths.Root, "pipelines", "blair-clip.yaml");
        var spec = Path.Combine(Dir, "study.yaml");
        File.WriteAllText(spec, $"""
            name: resume
            seed: 4
            data:
              format: table
              interactions: {"{"} path: interactions.csv, user: user, item: item, timestamp: ts {"}"}
              items: {"{"} path: items.csv, id: id, title: title {"}"}
              item_text: [title]
              item_features:
                - {"{"} name: emb, path: features.csv {"}"}
            split: {"{"} method: leave_one_out, validation: true {"}"}
            models:
              - name: BLaIR-CLIP
                pipeline: {pipeline}
                params: {"{"} image_column: emb, projection_dim: 8, epochs: 8, batch_size: 8, eval_every: 3, save_every: 2, max_features: 50 {"}"}
            output: {"{"} save_models: true, per_user: true {"}"}
            """);
        return spec;
    }

    [Fact]
    public void CrashedRun_IsKept_AndResumeWritesTheUninterruptedResults()
    {
        var spec = WriteStudy();
        var reference = StudyRunner.Run(spec, new StudyRunOptions { OutputDirectory = Path.Combine(Dir, "reference") });

        var output = Path.Combine(Dir, "run");
        var stopped = FluentActions.Invoking(() => StudyRunner.Run(spec, new StudyRunOptions { OutputDirectory = output, Progress = new CrashAfter(9, "BLaIR-CLIP") }))
            .Should().Throw<StudyStoppedException>().Which;
        stopped.RunDirectory.Should().Be(output, "the kept folder takes the output path");
        stopped.Message.Should().Contain("simulated crash").And.Contain($"--resume {output}");
        File.Exists(Path.Combine(output, "run.state.json")).Should().BeTrue();
        Directory.GetDirectories(Path.Combine(output, "checkpoints", "BLaIR-CLIP"), "step-*").Should().ContainSingle();
        File.Exists(Path.Combine(output, "results.md")).Should().BeFalse("no results are written for a stopped run");

        FluentActions.Invoking(() => StudyRunner.Run(spec, new StudyRunOptions { Resume = output, Overrides = ["seed=5"] }))
            .Should().Throw<IOException>().WithMessage("*same spec file and the same --set*");
        FluentActions.Invoking(() => StudyRunner.Run(spec, new StudyRunOptions { Resume = output, OutputDirectory = Dir + "/x" }))
            .Should().Throw<IOException>().WithMessage("--resume*cannot be combined with --output*");

        var resumed = StudyRunner.Run(spec, new StudyRunOptions { Resume = output });
        resumed.OutputDirectory.Should().Be(output);
        resumed.Result.Models.Single().Evaluation.Metrics.Should().Equal(reference.Result.Models.Single().Evaluation.Metrics);
        File.ReadAllBytes(Path.Combine(output, "per_user", "BLaIR-CLIP.csv")).Should().Equal(
            File.ReadAllBytes(Path.Combine(reference.OutputDirectory, "per_user", "BLaIR-CLIP.csv")), "every user's rank is the same");
        File.Exists(Path.Combine(output, "run.state.json")).Should().BeFalse("a completed run is not resumable");
        Directory.Exists(Path.Combine(output, "checkpoints")).Should().BeFalse("the checkpoints are removed once the model zip is written");
        File.ReadAllText(Path.Combine(output, "run.json")).Should().Contain("blair_clip_resumed_from_step");
        FluentActions.Invoking(() => StudyRunner.Run(spec, new StudyRunOptions { Resume = output }))
            .Should().Throw<IOException>().WithMessage("*not a run that can be resumed*");
    }

    [Fact]
    public void FailedRun_WithoutCheckpoints_LeavesNothing()
    {
        var spec = WriteStudy();
        var output = Path.Combine(Dir, "run");
        FluentActions.Invoking(() => StudyRunner.Run(spec, new StudyRunOptions
        {
            OutputDirectory = output, Progress = new CrashAfter(3, "BLaIR-CLIP"), Overrides = ["models.BLaIR-CLIP.params.save_every=0"],
        })).Should().Throw<Crash>("without checkpoints there is nothing to resume, and the error is the model's own");
        Directory.Exists(output).Should().BeFalse();
        Directory.GetDirectories(Dir, ".*").Should().BeEmpty("the staging folder is removed");
    }
}
