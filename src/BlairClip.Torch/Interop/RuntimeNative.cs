using System.Runtime.InteropServices;

namespace BlairClip.Torch.Interop;

/// <summary>Declarations of native/include/bc_runtime.h.</summary>
internal static partial class RuntimeNative
{
    internal const string Library = "blairclip_torch";

    [LibraryImport(Library)] internal static partial int bc_version();
    [LibraryImport(Library)] internal static partial IntPtr bc_torch_version();
    [LibraryImport(Library)] internal static partial IntPtr bc_last_error();
    [LibraryImport(Library)] internal static partial void bc_clear_error();
    [LibraryImport(Library)] internal static partial IntPtr bc_show_config();
    [LibraryImport(Library)] internal static partial int bc_manual_seed(long seed);
    [LibraryImport(Library)] internal static partial int bc_set_num_threads(int n);
    [LibraryImport(Library)] internal static partial int bc_get_num_threads();
    [LibraryImport(Library)] internal static partial int bc_cuda_is_available();
    [LibraryImport(Library)] internal static partial int bc_cuda_device_count();
    [LibraryImport(Library)] internal static partial int bc_cuda_synchronize(int deviceIndex);
    [LibraryImport(Library)] internal static partial int bc_autocast_enter(int deviceType, int dtype, out int previousEnabled);
    [LibraryImport(Library)] internal static partial int bc_autocast_exit(int deviceType, int previousEnabled);
    [LibraryImport(Library)] internal static partial int bc_bench_matmul(long n, int iterations, int dtype, int deviceType, int deviceIndex, out double seconds);
}
