using BlairClip.ML.Experiments;

namespace BlairClip.Report.Tests;

/// <summary>Repository paths and study runs shared by the report tests (the embedded All_Beauty sample only).</summary>
public static class TestRuns
{
    public static string Root { get; } = FindRoot();

    public static string Quickstart => Path.Combine(Root, "experiments", "quickstart.yaml");

    /// <summary>Where tests keep what a person may want to look at afterwards (screenshots): TestResults/artifacts/ in the
    /// repository (ignored by git), or $BLAIRCLIP_TEST_ARTIFACTS.</summary>
    public static string Artifacts
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("BLAIRCLIP_TEST_ARTIFACTS") is { Length: > 0 } d ? d : Path.Combine(Root, "TestResults", "artifacts");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>Runs the quickstart study (BPR-MF shortened) into <paramref name="output"/> with the HTML report.</summary>
    public static StudyRunOutcome RunQuickstart(string output, params string[] overrides) =>
        StudyRunner.Run(Quickstart, new StudyRunOptions
        {
            OutputDirectory = output,
            Overrides = ["models.BPR-MF.params.epochs=3", .. overrides],
            FolderWriters = [new HtmlReport()],
        });

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "BlairClip.ML.sln"))) return d.FullName;
        throw new DirectoryNotFoundException($"No BlairClip.ML.sln above {AppContext.BaseDirectory}.");
    }
}
