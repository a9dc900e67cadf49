namespace BlairClip.ML.Core;

/// <summary>Receives progress of long stages (fitting epochs, scoring batches). The CLI shows bars; tests and
/// <c>--quiet</c> use <see cref="NullProgress"/>.</summary>
public interface IProgressReporter
{
    /// <summary>Starts a stage of <paramref name="total"/> steps; dispose the handle when done.</summary>
    IProgressTask Start(string stage, long total);
}

/// <summary>A running stage.</summary>
public interface IProgressTask : IDisposable
{
    void Advance(long steps = 1);

    /// <summary>Shows live figures beside the stage (e.g. loss, learning rate, samples/s); ignored by default.</summary>
    void Describe(string status) { }
}

/// <summary>Reports nothing.</summary>
public sealed class NullProgress : IProgressReporter, IProgressTask
{
    public static readonly NullProgress Instance = new();
    public IProgressTask Start(string stage, long total) => this;
    public void Advance(long steps = 1) { }
    public void Dispose() { }
}
