using System.Runtime;

namespace BlairClip.Towers.Training;

/// <summary>Keeps the .NET garbage collector from running while a training step's libtorch calls are in flight.
/// TorchSharp 0.107 turns every numeric argument (a learning rate, <c>1 - beta1</c>, a loss weight) into a
/// <c>Scalar</c> that only a finalizer frees, and passes its raw handle to libtorch: a collection during the call can
/// finalize the Scalar while libtorch still reads it (we saw "Unknown scalar type" and assertion failures mid-training,
/// in Release builds under allocation pressure; TorchSharp PR #1434 is the upstream fix). Steps allocate little
/// managed memory (feature buffers are reused), so they fit a no-GC region; collections then happen between steps,
/// when no native call holds a Scalar.</summary>
internal readonly struct NoGcRegion : IDisposable
{
    private const long Budget = 64L << 20;
    private readonly bool _started;

    private NoGcRegion(bool started) => _started = started;

    /// <summary>Starts the region (a region already in progress, or a budget the runtime cannot grant, leaves the GC as it is).</summary>
    public static NoGcRegion Enter()
    {
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return new(false);
        try { return new(GC.TryStartNoGCRegion(Budget)); }
        catch (ArgumentOutOfRangeException) { return new(false); }
    }

    public void Dispose()
    {
        if (_started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
    }
}
