namespace BlairClip.Torch;

public static partial class torch
{
    /// <summary>Concatenates along existing dimension <paramref name="dim"/>.</summary>
    public static Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0) => Native.Join(tensors, dim, stack: false);

    /// <summary>Stacks along a new dimension <paramref name="dim"/>.</summary>
    public static Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0) => Native.Join(tensors, dim, stack: true);

    /// <summary>Elementwise <paramref name="condition"/> ? a : b with broadcasting.</summary>
    public static Tensor where(Tensor condition, Tensor a, Tensor b) =>
        Native.Where(condition, a, b);

    /// <summary>Matrix product with broadcasting (see <see cref="Tensor.matmul"/>).</summary>
    public static Tensor matmul(Tensor a, Tensor b) => a.matmul(b);

    /// <summary>Batched matrix product [b, n, k] @ [b, k, m] → [b, n, m].</summary>
    public static Tensor bmm(Tensor a, Tensor b) => a.bmm(b);

    /// <summary>beta·input + alpha·(a @ b) for matrices.</summary>
    public static Tensor addmm(Tensor input, Tensor a, Tensor b, double beta = 1, double alpha = 1) =>
        Native.Addmm(input, a, b, beta, alpha);

    /// <summary>beta·input + alpha·(a @ b) batched: [b, n, k] @ [b, k, m].</summary>
    public static Tensor baddbmm(Tensor input, Tensor a, Tensor b, double beta = 1, double alpha = 1) =>
        Native.Baddbmm(input, a, b, beta, alpha);

    /// <summary>exp elementwise.</summary>
    public static Tensor exp(Tensor x) => x.exp();
    /// <summary>log elementwise.</summary>
    public static Tensor log(Tensor x) => x.log();
    /// <summary>sqrt elementwise.</summary>
    public static Tensor sqrt(Tensor x) => x.sqrt();
    /// <summary>1/sqrt elementwise.</summary>
    public static Tensor rsqrt(Tensor x) => x.rsqrt();
    /// <summary>tanh elementwise.</summary>
    public static Tensor tanh(Tensor x) => x.tanh();
    /// <summary>sigmoid elementwise.</summary>
    public static Tensor sigmoid(Tensor x) => x.sigmoid();
    /// <summary>relu elementwise.</summary>
    public static Tensor relu(Tensor x) => x.relu();
    /// <summary>x^exponent elementwise.</summary>
    public static Tensor pow(Tensor x, double exponent) => x.pow(exponent);
    /// <summary>Clamp to [min, max].</summary>
    public static Tensor clamp(Tensor x, double? min = null, double? max = null) => x.clamp(min, max);
    /// <summary>softmax along <paramref name="dim"/>.</summary>
    public static Tensor softmax(Tensor x, long dim) => x.softmax(dim);
    /// <summary>log-softmax along <paramref name="dim"/>.</summary>
    public static Tensor log_softmax(Tensor x, long dim) => x.log_softmax(dim);
    /// <summary>log Σ exp along <paramref name="dim"/>.</summary>
    public static Tensor logsumexp(Tensor x, long dim, bool keepdim = false) => x.logsumexp(dim, keepdim);
    /// <summary>Elementwise maximum.</summary>
    public static Tensor maximum(Tensor a, Tensor b) => a.maximum(b);
    /// <summary>Elementwise minimum.</summary>
    public static Tensor minimum(Tensor a, Tensor b) => a.minimum(b);
    /// <summary>k largest along <paramref name="dim"/>.</summary>
    public static (Tensor values, Tensor indices) topk(Tensor x, long k, long dim = -1, bool largest = true) => x.topk(k, dim, largest);
    /// <summary>Sort along <paramref name="dim"/>.</summary>
    public static (Tensor values, Tensor indices) sort(Tensor x, long dim = -1, bool descending = false) => x.sort(dim, descending);
    /// <summary>Index of the largest element along <paramref name="dim"/>.</summary>
    public static Tensor argmax(Tensor x, long dim, bool keepdim = false) => x.argmax(dim, keepdim);
}
