namespace BlairClip.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>Stateless layers, as torch.nn.functional (import as <c>using F = BlairClip.Torch.torch.nn.functional;</c>).</summary>
        public static class functional
        {
            /// <summary>y = x Wᵀ + b: x [*, in], weight [out, in], bias [out] → [*, out].</summary>
            public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null) =>
                Native.Linear(input, weight, bias);

            /// <summary>(x - E[x]) / √(Var[x] + eps) · weight + bias over the trailing <paramref name="normalized_shape"/> dims (biased variance).</summary>
            public static Tensor layer_norm(Tensor input, long[] normalized_shape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
                Native.LayerNorm(input, normalized_shape, weight, bias, eps);

            /// <summary>Rows of weight [num, dim] at int64 <paramref name="input"/> [*] → [*, dim]; padding_idx rows get no gradient.</summary>
            public static Tensor embedding(Tensor input, Tensor weight, long padding_idx = -1) =>
                Native.Embedding(input, weight, padding_idx);

            /// <summary>2-D convolution: input [N, C_in, H, W], weight [C_out, C_in/groups, kH, kW] → [N, C_out, H', W'].</summary>
            public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, (long, long)? stride = null,
                (long, long)? padding = null, (long, long)? dilation = null, long groups = 1) =>
                Native.Conv2d(input, weight, bias, stride ?? (1, 1), padding ?? (0, 0), dilation ?? (1, 1), groups);

            /// <summary>Zeroes elements with probability p and scales the rest by 1/(1-p) when <paramref name="training"/>.</summary>
            public static Tensor dropout(Tensor input, double p = 0.5, bool training = true)
            {
                if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
                return Native.Dropout(input, p, training);
            }

            /// <summary>-log softmax(logits)[target], averaged (reduction "mean"), summed ("sum") or per row ("none").
            /// logits [N, C], target int64 [N] (ignore_index rows skipped).</summary>
            public static Tensor cross_entropy(Tensor input, Tensor target, string reduction = "mean", long ignore_index = -100, double label_smoothing = 0) =>
                Native.CrossEntropy(input, target, Reduction(reduction), ignore_index, label_smoothing);

            /// <summary>(input - target)² reduced by <paramref name="reduction"/>.</summary>
            public static Tensor mse_loss(Tensor input, Tensor target, string reduction = "mean") =>
                Native.MseLoss(input, target, Reduction(reduction));

            private static int Reduction(string reduction) => reduction switch
            {
                "none" => 0, "mean" => 1, "sum" => 2,
                _ => throw new ArgumentException($"reduction must be none, mean or sum, got '{reduction}'", nameof(reduction)),
            };

            /// <summary>x / max(‖x‖_p, eps) along <paramref name="dim"/>.</summary>
            public static Tensor normalize(Tensor input, double p = 2, long dim = 1, double eps = 1e-12) =>
                Native.Normalize(input, p, dim, eps);

            /// <summary>
            /// softmax(q kᵀ · scale + mask) v: q [*, L, E], k [*, S, E], v [*, S, Ev] → [*, L, Ev]. A bool mask keeps
            /// true positions; a float mask is added. scale defaults to 1/√E. Uses libtorch's fused kernel when the
            /// library has one (2.x), else the composed definition (<see cref="sdpa_is_native"/>).
            /// </summary>
            public static Tensor scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask = null,
                double dropout_p = 0, bool is_causal = false, double? scale = null) =>
                Native.Sdpa(query, key, value, attn_mask, dropout_p, is_causal, scale);

            /// <summary>True when scaled_dot_product_attention calls libtorch's own kernel.</summary>
            public static bool sdpa_is_native() => Native.SdpaIsNative();

            /// <summary>GELU: x·Φ(x) ("none", erf form) or 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) ("tanh").</summary>
            public static Tensor gelu(Tensor input, string approximate = "none") => input.gelu(approximate);

            /// <summary>max(x, 0).</summary>
            public static Tensor relu(Tensor input) => input.relu();
            /// <summary>x·sigmoid(x).</summary>
            public static Tensor silu(Tensor input) => input.silu();
            /// <summary>tanh.</summary>
            public static Tensor tanh(Tensor input) => input.tanh();
            /// <summary>softmax along <paramref name="dim"/>.</summary>
            public static Tensor softmax(Tensor input, long dim) => input.softmax(dim);
            /// <summary>log-softmax along <paramref name="dim"/>.</summary>
            public static Tensor log_softmax(Tensor input, long dim) => input.log_softmax(dim);
        }
    }
}
