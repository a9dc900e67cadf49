using BlairClip.ML.Core;

namespace BlairClip.Towers.Tests.Training;

/// <summary>What <see cref="CrashAfter"/> throws.</summary>
internal sealed class Crash() : Exception("simulated crash");

/// <summary>Throws from a stage's progress after <c>batches</c> advances: a run killed mid-training. With
/// <c>stage</c>, only stages whose name starts with it count.</summary>
internal sealed class CrashAfter(int batches, string? stage = null) : IProgressReporter, IProgressTask
{
    private long _seen;
    public IProgressTask Start(string name, long total) => stage is null || name.StartsWith(stage, StringComparison.Ordinal) ? this : NullProgress.Instance.Start(name, total);
    public void Advance(long steps = 1)
    {
        _seen += steps;
        if (_seen >= batches) throw new Crash();
    }
    public void Dispose() { }
}
