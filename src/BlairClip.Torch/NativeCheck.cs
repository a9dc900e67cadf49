using System.Runtime.InteropServices;
using BlairClip.Torch.Interop;

namespace BlairClip.Torch;

/// <summary>A libtorch error (shape mismatch, wrong dtype, bad index…) carrying libtorch's own message.</summary>
public sealed class TorchException(string message) : Exception(message);

/// <summary>Turns the shim's error markers into <see cref="TorchException"/>s.</summary>
internal static class NativeCheck
{
    /// <summary>Throws the pending native error when <paramref name="handle"/> is null, else wraps it.</summary>
    internal static Tensor Tensor(IntPtr handle)
    {
        if (handle == IntPtr.Zero) Throw();
        return new Tensor(handle);
    }

    internal static void Status(int rc)
    {
        if (rc < 0) Throw();
    }

    internal static long Value(long value)
    {
        if (value < 0) Throw();
        return value;
    }

    internal static void Throw()
    {
        var message = Marshal.PtrToStringUTF8(RuntimeNative.bc_last_error()) ?? "native call failed without a message";
        RuntimeNative.bc_clear_error();
        throw new TorchException(message.TrimEnd());
    }
}
