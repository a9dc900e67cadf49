using System.Runtime.InteropServices;

namespace BlairClip.Torch.Interop;

/// <summary>Declarations of native/include/bc_nn.h.</summary>
internal static unsafe partial class NNNative
{
    private const string L = RuntimeNative.Library;

    [LibraryImport(L)] internal static partial IntPtr bc_linear(IntPtr x, IntPtr weight, IntPtr bias);
    [LibraryImport(L)] internal static partial IntPtr bc_layer_norm(IntPtr x, long* normalizedShape, int ndim, IntPtr weight, IntPtr bias, double eps);
    [LibraryImport(L)] internal static partial IntPtr bc_embedding(IntPtr weight, IntPtr indices, long paddingIdx);
    [LibraryImport(L)] internal static partial IntPtr bc_conv2d(IntPtr x, IntPtr weight, IntPtr bias, long* stride, long* padding, long* dilation, long groups);
    [LibraryImport(L)] internal static partial IntPtr bc_dropout(IntPtr x, double p, int train);
    [LibraryImport(L)] internal static partial IntPtr bc_cross_entropy(IntPtr logits, IntPtr target, int reduction, long ignoreIndex, double labelSmoothing);
    [LibraryImport(L)] internal static partial IntPtr bc_mse_loss(IntPtr input, IntPtr target, int reduction);
    [LibraryImport(L)] internal static partial IntPtr bc_normalize(IntPtr x, double p, long dim, double eps);
    [LibraryImport(L)] internal static partial IntPtr bc_scaled_dot_product_attention(IntPtr q, IntPtr k, IntPtr v, IntPtr mask, double dropoutP, int isCausal, double scale, int hasScale);
    [LibraryImport(L)] internal static partial int bc_sdpa_is_native();

    [LibraryImport(L)] internal static partial int bc_backward(IntPtr t, IntPtr gradient, int retainGraph);
    [LibraryImport(L)] internal static partial int bc_grad(IntPtr t, out IntPtr grad);
    [LibraryImport(L)] internal static partial int bc_set_grad(IntPtr t, IntPtr gradient);
    [LibraryImport(L)] internal static partial int bc_is_grad_enabled();
    [LibraryImport(L)] internal static partial int bc_set_grad_enabled(int enabled);
    [LibraryImport(L)] internal static partial int bc_clip_grad_norm(IntPtr* parameters, int count, double maxNorm, double normType, out double totalNorm);

    [LibraryImport(L)] internal static partial int bc_adamw_step(IntPtr param, IntPtr grad, IntPtr expAvg, IntPtr expAvgSq, double lr, double beta1, double beta2, double eps, double weightDecay, long step);
    [LibraryImport(L)] internal static partial int bc_sgd_step(IntPtr param, IntPtr grad, IntPtr momentumBuffer, double lr, double momentum, double dampening, double weightDecay, int nesterov, int firstStep);
    [LibraryImport(L)] internal static partial int bc_amp_unscale(IntPtr* grads, int count, IntPtr foundInf, double invScale);
}
