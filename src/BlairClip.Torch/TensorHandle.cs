using System.Runtime.InteropServices;
using BlairClip.Torch.Interop;

namespace BlairClip.Torch;

/// <summary>Owns one heap <c>at::Tensor*</c> of the shim; releasing it drops libtorch's reference.</summary>
internal sealed class TensorHandle : SafeHandle
{
    internal TensorHandle(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        TensorNative.bc_dispose(handle);
        return true;
    }
}
