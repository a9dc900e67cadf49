using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BlairClip.ML.IO;

namespace BlairClip.ML.Experiments;

/// <summary><c>run.state.json</c>: what an unfinished run's folder records so that <c>--resume</c> can continue it — the
/// study it runs (a fingerprint of the spec file and the <c>--set</c> overrides), where its results go, and whether it
/// is still running or stopped (with the error). Removed when the run completes.</summary>
internal sealed record RunState(int Format, string Fingerprint, string Spec, string Output, string Status, string? Error)
{
    public const string FileName = "run.state.json";
    public const string CheckpointsFolder = "checkpoints";
    private const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static RunState Running(string spec, IReadOnlyList<string> overrides, string output) =>
        new(CurrentFormat, Of(spec, overrides), Path.GetFullPath(spec), output, "running", null);

    /// <summary>SHA-256 of the spec file's bytes and the overrides, one per line.</summary>
    public static string Of(string spec, IReadOnlyList<string> overrides)
    {
        var bytes = File.ReadAllBytes(spec).Concat(Encoding.UTF8.GetBytes("\n--set\n" + string.Join("\n", overrides))).ToArray();
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    public void Write(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json));

    /// <exception cref="IOException"><paramref name="folder"/> is not an unfinished run of this program (names it).</exception>
    public static RunState Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            throw new IOException($"--resume {folder}: not a run that can be resumed (no {FileName}; a completed run has none, and a run is "
                + "only kept for resuming when it had written checkpoints, see save_every).");
        try
        {
            var state = JsonSerializer.Deserialize<RunState>(File.ReadAllText(path), Json) ?? throw new JsonException("empty");
            if (state.Format != CurrentFormat) throw new JsonException($"format {state.Format}, this program reads {CurrentFormat}");
            return state;
        }
        catch (JsonException e)
        {
            throw new IOException($"--resume {folder}: {path} is damaged ({e.Message}).", e);
        }
    }

    /// <summary>True when <paramref name="folder"/> holds at least one checkpoint file.</summary>
    public static bool HasCheckpoints(string folder)
    {
        var dir = Path.Combine(folder, CheckpointsFolder);
        return Directory.Exists(dir) && Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Any();
    }
}

/// <summary>A study run stopped (an error in a model's training, or anything after a checkpoint was written) and its
/// folder was kept for <c>--resume</c>; the message says where and how to continue.</summary>
public sealed class StudyStoppedException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>The kept folder to pass to <c>--resume</c>.</summary>
    public required string RunDirectory { get; init; }
}
