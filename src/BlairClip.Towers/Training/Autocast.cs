using System.Runtime.InteropServices;

namespace BlairClip.Towers.Training;

/// <summary>
/// libtorch's automatic mixed precision, as <c>torch.autocast(device_type, dtype)</c>: inside the region, ops on the
/// autocast list (matmul, linear, conv, baddbmm…) run in <c>dtype</c> and precision-sensitive ops (softmax, norms,
/// losses) in float32, by ATen's own Autocast dispatch keys. Dispose on the thread that entered it.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 exposes no autocast. libtorch exports it as plain C++ functions (<c>at::autocast::set_autocast_enabled</c>
/// and friends, taking enums and bools), so we call those seven entry points by their Itanium-mangled names from the
/// libtorch_cpu that TorchSharp has already loaded, through function pointers. Nothing is compiled; a libtorch without
/// them fails here, loudly, naming the symbol. Windows (MSVC mangling) is refused.
/// </remarks>
public sealed unsafe class Autocast : IDisposable
{
    private readonly sbyte _device;
    private readonly bool _previousEnabled;
    private readonly sbyte _previousDtype;
    private readonly int _thread = Environment.CurrentManagedThreadId;
    private bool _disposed;

    /// <summary>Enters an autocast region on <paramref name="device_type"/> in <paramref name="dtype"/> (bfloat16 on CUDA
    /// and CPU; float16 on CUDA, with <see cref="GradScaler"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not bfloat16 or float16.</exception>
    /// <exception cref="PlatformNotSupportedException">On Windows, or a libtorch that lacks the autocast entry points.</exception>
    public Autocast(DeviceType device_type, ScalarType dtype = ScalarType.BFloat16)
    {
        if (dtype is not (ScalarType.BFloat16 or ScalarType.Float16))
            throw new ArgumentException($"autocast dtype must be BFloat16 or Float16, but was {dtype}.", nameof(dtype));
        var api = Api.Value;
        _device = (sbyte)device_type;
        _previousEnabled = api.IsEnabled(_device) != 0;
        _previousDtype = api.GetDtype(_device);
        api.SetEnabled(_device, 1);
        api.SetDtype(_device, (sbyte)dtype);
        api.IncrementNesting();
    }

    /// <summary>True when ops on <paramref name="device_type"/> autocast on this thread.</summary>
    public static bool IsEnabled(DeviceType device_type) => Api.Value.IsEnabled((sbyte)device_type) != 0;

    /// <summary>Leaves the region: restores the previous state and, when the outermost region ends, frees the cast-weight
    /// cache (as torch.autocast's __exit__), so a later step never sees casts of weights an optimizer has since changed.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        if (Environment.CurrentManagedThreadId != _thread)
            throw new InvalidOperationException("An Autocast region must be disposed on the thread that entered it (autocast state is thread-local in libtorch).");
        _disposed = true;
        var api = Api.Value;
        if (api.DecrementNesting() == 0) api.ClearCache();
        api.SetEnabled(_device, (byte)(_previousEnabled ? 1 : 0));
        api.SetDtype(_device, _previousDtype);
    }

    private static readonly Lazy<Entry> Api = new(Entry.Load);

    private sealed class Entry
    {
        public delegate* unmanaged<sbyte, byte> IsEnabled;
        public delegate* unmanaged<sbyte, byte, void> SetEnabled;
        public delegate* unmanaged<sbyte, sbyte> GetDtype;
        public delegate* unmanaged<sbyte, sbyte, void> SetDtype;
        public delegate* unmanaged<long> IncrementNesting;
        public delegate* unmanaged<long> DecrementNesting;
        public delegate* unmanaged<void> ClearCache;

        public static Entry Load()
        {
            if (OperatingSystem.IsWindows())
                throw new PlatformNotSupportedException("Autocast calls libtorch's Itanium-mangled C++ entry points, which Windows builds do not export.");
            _ = torch.cuda.is_available(); // makes TorchSharp load its libtorch first, so the handle below is that one
            if (!NativeLibrary.TryLoad("torch_cpu", typeof(torch).Assembly, null, out var lib)
                && !NativeLibrary.TryLoad(OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so", out lib))
                throw new PlatformNotSupportedException("Autocast: libtorch_cpu could not be found beside TorchSharp.");
            IntPtr Get(string symbol) => NativeLibrary.TryGetExport(lib, symbol, out var p) ? p
                : throw new PlatformNotSupportedException($"Autocast: this libtorch does not export {symbol}.");
            return new Entry
            {
                IsEnabled = (delegate* unmanaged<sbyte, byte>)Get("_ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE"),
                SetEnabled = (delegate* unmanaged<sbyte, byte, void>)Get("_ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb"),
                GetDtype = (delegate* unmanaged<sbyte, sbyte>)Get("_ZN2at8autocast18get_autocast_dtypeEN3c1010DeviceTypeE"),
                SetDtype = (delegate* unmanaged<sbyte, sbyte, void>)Get("_ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE"),
                IncrementNesting = (delegate* unmanaged<long>)Get("_ZN2at8autocast17increment_nestingEv"),
                DecrementNesting = (delegate* unmanaged<long>)Get("_ZN2at8autocast17decrement_nestingEv"),
                ClearCache = (delegate* unmanaged<void>)Get("_ZN2at8autocast11clear_cacheEv"),
            };
        }
    }
}
