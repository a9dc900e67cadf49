using BlairClip.Torch.Interop;

namespace BlairClip.Torch;

public partial class Tensor
{
    /// <summary>Whether autograd records operations on this tensor. Settable on leaves.</summary>
    public bool requires_grad
    {
        get => NativeCheck.Value(Keep(TensorNative.bc_requires_grad(Handle))) == 1;
        set => S(TensorNative.bc_set_requires_grad(Handle, value ? 1 : 0), this);
    }

    /// <summary>Sets <see cref="requires_grad"/> and returns this.</summary>
    public Tensor requires_grad_(bool value = true)
    {
        requires_grad = value;
        return this;
    }

    /// <summary>True for tensors created by the user rather than by a recorded operation.</summary>
    public bool is_leaf => NativeCheck.Value(Keep(TensorNative.bc_is_leaf(Handle))) == 1;

    /// <summary>
    /// Accumulates d(this)/d(leaf) into every leaf's <see cref="grad"/>. A non-scalar tensor needs
    /// <paramref name="gradient"/> (same shape): the vector in the vector-Jacobian product.
    /// </summary>
    /// <exception cref="TorchException">The tensor does not require grad, or a non-scalar has no gradient.</exception>
    public void backward(Tensor? gradient = null, bool retain_graph = false) =>
        S(NNNative.bc_backward(Handle, H(gradient), retain_graph ? 1 : 0), this, gradient);

    /// <summary>The accumulated gradient, or null before any backward (a new handle to the same storage).</summary>
    public Tensor? grad
    {
        get
        {
            S(NNNative.bc_grad(Handle, out var g), this);
            return g == IntPtr.Zero ? null : new Tensor(g);
        }
        set => S(NNNative.bc_set_grad(Handle, H(value)), this, value);
    }

    /// <summary>Drops the accumulated gradient (as PyTorch's set_to_none=True).</summary>
    public void zero_grad() => grad = null;
}
