namespace BlairClip.Torch;

public static partial class torch
{
    /// <summary>True when autograd records operations on this thread.</summary>
    public static bool is_grad_enabled() => Native.IsGradEnabled();

    /// <summary>Disables gradient recording on this thread until disposed (restores the previous mode).</summary>
    public static GradModeScope no_grad() => new(false);

    /// <summary>Enables gradient recording on this thread until disposed.</summary>
    public static GradModeScope enable_grad() => new(true);

    /// <summary>
    /// Runs eligible ops (matmul, linear, conv…) in <paramref name="dtype"/> on <paramref name="device_type"/> until
    /// disposed, as torch.autocast. Use bfloat16 on CUDA; on CPU libtorch supports bfloat16 too.
    /// </summary>
    public static AutocastScope autocast(DeviceType device_type, ScalarType dtype = ScalarType.BFloat16) => new(device_type, dtype);
}

/// <summary>Restores the previous grad mode when disposed. Not thread-hopping: dispose on the creating thread.</summary>
public sealed class GradModeScope : IDisposable
{
    private readonly bool _previous;
    private bool _disposed;

    internal GradModeScope(bool enabled) => _previous = Native.SetGradEnabled(enabled);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Native.SetGradEnabled(_previous);
    }
}

/// <summary>An autocast region; restores the previous autocast state when disposed.</summary>
public sealed class AutocastScope : IDisposable
{
    private readonly DeviceType _device;
    private readonly bool _previous;
    private bool _disposed;

    internal AutocastScope(DeviceType device, ScalarType dtype)
    {
        _device = device;
        _previous = Native.AutocastEnter(device, dtype);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Native.AutocastExit(_device, _previous);
    }
}
