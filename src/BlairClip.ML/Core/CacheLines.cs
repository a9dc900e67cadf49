using System.Runtime.Intrinsics.X86;

namespace BlairClip.ML.Core;

/// <summary>Software prefetch: asks the cache for memory a loop will read soon (a hint: no effect on results; nothing
/// without SSE). Written by hand because neither the BCL nor System.Numerics.Tensors wraps it beyond the intrinsic.</summary>
internal static class CacheLines
{
    /// <summary>Every 64-byte line <paramref name="values"/> touches: a 256-byte row spans five lines unless it starts on
    /// one, and arrays start 16 bytes into a line.</summary>
    public static unsafe void Prefetch<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        if (!Sse.IsSupported || values.IsEmpty) return;
        fixed (T* first = values)
        {
            byte* end = (byte*)(first + values.Length);
            for (byte* line = (byte*)((nint)first & ~(nint)63); line < end; line += 64) Sse.Prefetch0(line);
        }
    }

    /// <summary>The line holding <paramref name="values"/>[<paramref name="index"/>].</summary>
    public static unsafe void Prefetch<T>(T[] values, int index) where T : unmanaged
    {
        if (!Sse.IsSupported) return;
        fixed (T* v = values) Sse.Prefetch0(v + index);
    }
}
