using BlairClip.ML.Core;

namespace BlairClip.Towers.Tests.Training;

/// <summary>What <see cref="CrashAfter"/> throws.</summary>
internal sealed class Crash() : Exception("simulated crash");

/// <summary>Throws from a stage's progress after <c>batches</c> advances: a run killed mid-training.</summary>
internal sealed class CrashAfter(int batches) : IProgressReporter, IProgressTask
{
    private long _seen;
    public IProgressTask Start(string stage, long total) => this;
    public void Advance(long steps = 1)
    {
        _seen += steps;
        if (_seen >= batches) throw new Crash();
    }
    public void Dispose() { }
}
