using System.Runtime.InteropServices;

namespace BlairClip.ML.Core;

/// <summary>
/// Asks Linux to back a large array with 2 MB transparent huge pages (madvise MADV_HUGEPAGE). Randomly indexed tables of
/// hundreds of MB (BPR's user factors: 1.8 M × 64 floats = 460 MB) otherwise miss the TLB on almost every access —
/// 4 KB pages give the TLB a reach of a few MB — and the page walks, not the memory, set the pace. Only pages not yet
/// touched are affected, so call it right after allocating (with <see cref="GC.AllocateUninitializedArray{T}"/>, whose
/// pages the runtime does not clear). Advice only: where THP is off ("never"), on other systems or when the call fails,
/// nothing changes but speed. .NET has no API for this (GCLargePages needs preallocated hugetlbfs pages and a hard
/// heap limit), hence the P/Invoke.
/// </summary>
public static partial class HugePages
{
    private const int MadvHugepage = 14;
    private const long HugePage = 2L << 20;

    /// <summary>A zero-length-safe, uninitialised array of <paramref name="length"/> elements, advised to use huge pages
    /// when it spans at least one.</summary>
    public static T[] Allocate<T>(int length) where T : unmanaged
    {
        var array = GC.AllocateUninitializedArray<T>(length, pinned: false);
        Advise(array);
        return array;
    }

    /// <summary>Advises the whole 2 MB pages inside <paramref name="array"/>.</summary>
    public static unsafe void Advise<T>(T[] array) where T : unmanaged
    {
        if (!OperatingSystem.IsLinux() || (long)array.Length * sizeof(T) < 2 * HugePage) return;
        fixed (T* p = array)
        {
            long start = ((long)p + HugePage - 1) & ~(HugePage - 1);
            long end = ((long)p + (long)array.Length * sizeof(T)) & ~(HugePage - 1);
            if (end > start)
            {
                try { _ = madvise((nint)start, (nuint)(end - start), MadvHugepage); }
                catch (DllNotFoundException) { } // no libc by that name: advice only
                catch (EntryPointNotFoundException) { }
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(nint address, nuint length, int advice);
}
