namespace BlairClip.ML.Reporting;

/// <summary>Writes more into a finished results folder (the tables, per-user CSVs, curves, data profile and run.json
/// are there) before the study runner moves it into place; registered in
/// <see cref="Experiments.StudyRunOptions.FolderWriters"/>. It reads the folder's files, never the run's memory, so the
/// same writer can redo its output later from the folder alone.</summary>
public interface IRunFolderWriter
{
    /// <summary>A short name for the log (e.g. "report").</summary>
    string Name { get; }

    /// <summary>The top-level files and folders it creates (so <c>--force</c> knows they are a run's own).</summary>
    IReadOnlyList<string> Creates { get; }

    /// <summary>Writes into <paramref name="runFolder"/>, atomically per file.</summary>
    void Write(string runFolder);
}
