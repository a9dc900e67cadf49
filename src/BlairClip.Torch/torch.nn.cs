using BlairClip.Torch.Modules;

namespace BlairClip.Torch;

public static partial class torch
{
    /// <summary>Layer factories, as torch.nn; the layer types live in <see cref="BlairClip.Torch.Modules"/>.</summary>
    public static partial class nn
    {
        /// <summary>y = x Wᵀ + b, [*, in] → [*, out].</summary>
        public static Linear Linear(long in_features, long out_features, bool bias = true) => new(in_features, out_features, bias);
        /// <summary>Lookup table [num_embeddings, embedding_dim].</summary>
        public static Embedding Embedding(long num_embeddings, long embedding_dim, long? padding_idx = null) => new(num_embeddings, embedding_dim, padding_idx);
        /// <summary>Layer normalisation over the trailing dims.</summary>
        public static LayerNorm LayerNorm(long normalized_shape, double eps = 1e-5, bool elementwise_affine = true) => new([normalized_shape], eps, elementwise_affine);
        /// <summary>Dropout with probability p in training mode.</summary>
        public static Dropout Dropout(double p = 0.5) => new(p);
        /// <summary>2-D convolution.</summary>
        public static Conv2d Conv2d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool bias = true) =>
            new(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias);
        /// <summary>Modules applied in order.</summary>
        public static Sequential Sequential(params Module<Tensor, Tensor>[] modules) => new(modules);
        /// <summary>A list of submodules named "0", "1", ….</summary>
        public static ModuleList ModuleList(params Module[] modules) => new(modules);
        /// <summary>ReLU as a module.</summary>
        public static Activation ReLU() => new("relu", x => x.relu());
        /// <summary>Tanh as a module.</summary>
        public static Activation Tanh() => new("tanh", x => x.tanh());
        /// <summary>GELU as a module.</summary>
        public static Activation GELU(string approximate = "none") => new("gelu", x => functional.gelu(x, approximate));
    }
}
