using System.Runtime.InteropServices;
using BlairClip.Torch.Interop;

namespace BlairClip.Torch;

/// <summary>
/// The wrapper layer for calls that are not methods of one tensor: pins arrays, passes handles, keeps the tensor
/// arguments alive across the call and turns error markers into <see cref="TorchException"/>. The public surface
/// (torch.*, F.*, optimizers) calls only this and <see cref="Tensor"/>; nothing above handles raw pointers.
/// </summary>
internal static unsafe class Native
{
    private static Tensor W(IntPtr result, Tensor? a = null, Tensor? b = null, Tensor? c = null, Tensor? d = null) => Tensor.W(result, a, b, c, d);
    private static IntPtr H(Tensor? t) => Tensor.H(t);

    // ---- runtime ----

    internal static string TorchVersion() { NativeLoader.EnsureLoaded(); return Marshal.PtrToStringUTF8(RuntimeNative.bc_torch_version()) ?? ""; }

    internal static string ShowConfig()
    {
        NativeLoader.EnsureLoaded();
        var p = RuntimeNative.bc_show_config();
        if (p == IntPtr.Zero) NativeCheck.Throw();
        return Marshal.PtrToStringUTF8(p) ?? "";
    }

    internal static void ManualSeed(long seed) { NativeLoader.EnsureLoaded(); NativeCheck.Status(RuntimeNative.bc_manual_seed(seed)); }
    internal static void SetNumThreads(int n) { NativeLoader.EnsureLoaded(); NativeCheck.Status(RuntimeNative.bc_set_num_threads(n)); }
    internal static int GetNumThreads() { NativeLoader.EnsureLoaded(); return (int)NativeCheck.Value(RuntimeNative.bc_get_num_threads()); }
    internal static bool CudaIsAvailable() { NativeLoader.EnsureLoaded(); return NativeCheck.Value(RuntimeNative.bc_cuda_is_available()) == 1; }
    internal static int CudaDeviceCount() { NativeLoader.EnsureLoaded(); return (int)NativeCheck.Value(RuntimeNative.bc_cuda_device_count()); }
    internal static void CudaSynchronize(int device) { NativeLoader.EnsureLoaded(); NativeCheck.Status(RuntimeNative.bc_cuda_synchronize(device)); }
    internal static bool IsGradEnabled() { NativeLoader.EnsureLoaded(); return NNNative.bc_is_grad_enabled() == 1; }
    internal static bool SetGradEnabled(bool enabled) { NativeLoader.EnsureLoaded(); return NNNative.bc_set_grad_enabled(enabled ? 1 : 0) == 1; }

    internal static bool AutocastEnter(DeviceType device, ScalarType dtype)
    {
        NativeLoader.EnsureLoaded();
        NativeCheck.Status(RuntimeNative.bc_autocast_enter((int)device, (int)dtype, out var previous));
        return previous == 1;
    }

    internal static void AutocastExit(DeviceType device, bool previous) =>
        NativeCheck.Status(RuntimeNative.bc_autocast_exit((int)device, previous ? 1 : 0));

    internal static double BenchMatmul(long n, int iterations, ScalarType dtype, Device device)
    {
        NativeLoader.EnsureLoaded();
        NativeCheck.Status(RuntimeNative.bc_bench_matmul(n, iterations, (int)dtype, (int)device.type, device.index, out var seconds));
        return seconds;
    }

    // ---- factories ----

    internal static Tensor Factory(int kind, long[] shape, double value, ScalarType dtype, Device device, bool requiresGrad)
    {
        NativeLoader.EnsureLoaded();
        fixed (long* p = shape)
            return NativeCheck.Tensor(TensorNative.bc_factory(kind, p, shape.Length, value, (int)dtype, (int)device.type, device.index, requiresGrad ? 1 : 0));
    }

    internal static Tensor RandInt(long low, long high, long[] shape, ScalarType dtype, Device device)
    {
        NativeLoader.EnsureLoaded();
        fixed (long* p = shape)
            return NativeCheck.Tensor(TensorNative.bc_randint(low, high, p, shape.Length, (int)dtype, (int)device.type, device.index));
    }

    internal static Tensor Arange(double start, double end, double step, ScalarType dtype, Device device)
    {
        NativeLoader.EnsureLoaded();
        return NativeCheck.Tensor(TensorNative.bc_arange(start, end, step, (int)dtype, (int)device.type, device.index));
    }

    internal static Tensor FromBytes(ReadOnlySpan<byte> bytes, ScalarType dtype, long[] shape, Device device, bool requiresGrad)
    {
        NativeLoader.EnsureLoaded();
        fixed (byte* data = bytes)
        fixed (long* s = shape)
            return NativeCheck.Tensor(TensorNative.bc_from_data(data, bytes.Length, s, shape.Length, (int)dtype, (int)device.type, device.index, requiresGrad ? 1 : 0));
    }

    // ---- multi-tensor ops ----

    private static IntPtr[] Handles(IReadOnlyList<Tensor> tensors)
    {
        var handles = new IntPtr[tensors.Count];
        for (var i = 0; i < handles.Length; i++) handles[i] = tensors[i].Handle;
        return handles;
    }

    internal static Tensor Join(IReadOnlyList<Tensor> tensors, long dim, bool stack)
    {
        if (tensors.Count == 0) throw new ArgumentException("needs at least one tensor", nameof(tensors));
        var handles = Handles(tensors);
        IntPtr result;
        fixed (IntPtr* p = handles)
            result = stack ? TensorNative.bc_stack(p, handles.Length, dim) : TensorNative.bc_cat(p, handles.Length, dim);
        GC.KeepAlive(tensors);
        return NativeCheck.Tensor(result);
    }

    internal static Tensor Where(Tensor c, Tensor a, Tensor b) => W(TensorNative.bc_where(c.Handle, a.Handle, b.Handle), c, a, b);
    internal static Tensor Addmm(Tensor i, Tensor a, Tensor b, double beta, double alpha) => W(OpsNative.bc_addmm(i.Handle, a.Handle, b.Handle, beta, alpha), i, a, b);
    internal static Tensor Baddbmm(Tensor i, Tensor a, Tensor b, double beta, double alpha) => W(OpsNative.bc_baddbmm(i.Handle, a.Handle, b.Handle, beta, alpha), i, a, b);

    // ---- nn ----

    internal static Tensor Linear(Tensor x, Tensor w, Tensor? b) => W(NNNative.bc_linear(x.Handle, w.Handle, H(b)), x, w, b);

    internal static Tensor LayerNorm(Tensor x, long[] shape, Tensor? w, Tensor? b, double eps)
    {
        fixed (long* p = shape)
            return W(NNNative.bc_layer_norm(x.Handle, p, shape.Length, H(w), H(b), eps), x, w, b);
    }

    internal static Tensor Embedding(Tensor indices, Tensor weight, long paddingIdx) => W(NNNative.bc_embedding(weight.Handle, indices.Handle, paddingIdx), indices, weight);

    internal static Tensor Conv2d(Tensor x, Tensor w, Tensor? b, (long, long) stride, (long, long) padding, (long, long) dilation, long groups)
    {
        long* s = stackalloc long[] { stride.Item1, stride.Item2 };
        long* p = stackalloc long[] { padding.Item1, padding.Item2 };
        long* d = stackalloc long[] { dilation.Item1, dilation.Item2 };
        return W(NNNative.bc_conv2d(x.Handle, w.Handle, H(b), s, p, d, groups), x, w, b);
    }

    internal static Tensor Dropout(Tensor x, double p, bool train) => W(NNNative.bc_dropout(x.Handle, p, train ? 1 : 0), x);
    internal static Tensor CrossEntropy(Tensor logits, Tensor target, int reduction, long ignoreIndex, double smoothing) =>
        W(NNNative.bc_cross_entropy(logits.Handle, target.Handle, reduction, ignoreIndex, smoothing), logits, target);
    internal static Tensor MseLoss(Tensor input, Tensor target, int reduction) => W(NNNative.bc_mse_loss(input.Handle, target.Handle, reduction), input, target);
    internal static Tensor Normalize(Tensor x, double p, long dim, double eps) => W(NNNative.bc_normalize(x.Handle, p, dim, eps), x);

    internal static Tensor Sdpa(Tensor q, Tensor k, Tensor v, Tensor? mask, double dropout, bool causal, double? scale) =>
        W(NNNative.bc_scaled_dot_product_attention(q.Handle, k.Handle, v.Handle, H(mask), dropout, causal ? 1 : 0, scale ?? 0, scale.HasValue ? 1 : 0), q, k, v, mask);

    internal static bool SdpaIsNative() { NativeLoader.EnsureLoaded(); return NNNative.bc_sdpa_is_native() == 1; }

    // ---- training ----

    internal static double ClipGradNorm(IReadOnlyList<Tensor> parameters, double maxNorm, double normType)
    {
        var handles = Handles(parameters);
        double total;
        int rc;
        fixed (IntPtr* h = handles) rc = NNNative.bc_clip_grad_norm(h, handles.Length, maxNorm, normType, out total);
        GC.KeepAlive(parameters);
        NativeCheck.Status(rc);
        return total;
    }

    internal static void AmpUnscale(IReadOnlyList<Tensor> grads, Tensor foundInf, double invScale)
    {
        var handles = Handles(grads);
        int rc;
        fixed (IntPtr* h = handles) rc = NNNative.bc_amp_unscale(h, handles.Length, foundInf.Handle, invScale);
        GC.KeepAlive(grads);
        GC.KeepAlive(foundInf);
        NativeCheck.Status(rc);
    }

    internal static void AdamWStep(Tensor p, Tensor g, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps, double weightDecay, long step) =>
        Tensor.S(NNNative.bc_adamw_step(p.Handle, g.Handle, m.Handle, v.Handle, lr, beta1, beta2, eps, weightDecay, step), p, g, m, v);

    internal static void SgdStep(Tensor p, Tensor g, Tensor? buffer, double lr, double momentum, double dampening, double weightDecay, bool nesterov, bool first) =>
        Tensor.S(NNNative.bc_sgd_step(p.Handle, g.Handle, H(buffer), lr, momentum, dampening, weightDecay, nesterov ? 1 : 0, first ? 1 : 0), p, g, buffer);
}
