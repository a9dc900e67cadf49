using System.Runtime.InteropServices;
using BlairClip.ML.Core;

namespace BlairClip.Cli;

/// <summary>Ctrl-C (SIGINT) and SIGTERM during a run: the first one asks the run to stop at its next progress step, so
/// it unwinds like any failure — its staging folder is removed, or kept for <c>--resume</c> when it holds checkpoints;
/// a second one ends the process at once.</summary>
internal sealed class Interruption : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;
    private volatile bool _requested;

    public Interruption()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    private void Handle(PosixSignalContext context)
    {
        if (_requested) return;  // the second signal: default handling ends the process
        _requested = true;
        context.Cancel = true;
        Console.Error.WriteLine($"\n{context.Signal}: stopping at the next step (again to quit at once)...");
    }

    /// <summary>What a signal does (also for tests): the run stops at its next step.</summary>
    internal void Request() => _requested = true;

    /// <summary><paramref name="inner"/>, whose every step first checks for an interruption.</summary>
    public IProgressReporter Watch(IProgressReporter inner) => new Reporter(this, inner);

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
    }

    private void ThrowIfRequested()
    {
        if (_requested) throw new OperationCanceledException("interrupted (Ctrl-C or SIGTERM)");
    }

    private sealed class Reporter(Interruption owner, IProgressReporter inner) : IProgressReporter
    {
        public IProgressTask Start(string stage, long total)
        {
            owner.ThrowIfRequested();
            return new Task(owner, inner.Start(stage, total));
        }
    }

    private sealed class Task(Interruption owner, IProgressTask inner) : IProgressTask
    {
        public void Advance(long steps = 1) { owner.ThrowIfRequested(); inner.Advance(steps); }
        public void Describe(string status) => inner.Describe(status);
        public void Dispose() => inner.Dispose();
    }
}
