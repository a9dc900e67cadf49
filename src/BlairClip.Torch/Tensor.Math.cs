using BlairClip.Torch.Interop;

namespace BlairClip.Torch;

public partial class Tensor
{
    internal Tensor Unary(UnaryOp op) => W(OpsNative.bc_unary(Handle, op), this);
    internal Tensor Binary(Tensor other, BinaryOp op) => W(OpsNative.bc_binary(Handle, other.Handle, op), this, other);
    internal Tensor Scalar(double value, BinaryOp op, bool integral = false) =>
        W(OpsNative.bc_binary_scalar(Handle, value, integral ? 1 : 0, op), this);

    /// <summary>e^x elementwise.</summary>
    public Tensor exp() => Unary(UnaryOp.Exp);
    /// <summary>Natural logarithm elementwise.</summary>
    public Tensor log() => Unary(UnaryOp.Log);
    /// <summary>√x elementwise.</summary>
    public Tensor sqrt() => Unary(UnaryOp.Sqrt);
    /// <summary>1/√x elementwise.</summary>
    public Tensor rsqrt() => Unary(UnaryOp.Rsqrt);
    /// <summary>tanh elementwise.</summary>
    public Tensor tanh() => Unary(UnaryOp.Tanh);
    /// <summary>1/(1+e^-x) elementwise.</summary>
    public Tensor sigmoid() => Unary(UnaryOp.Sigmoid);
    /// <summary>max(x, 0) elementwise.</summary>
    public Tensor relu() => Unary(UnaryOp.Relu);
    /// <summary>GELU: x·Φ(x) ("none", erf form) or 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) ("tanh").</summary>
    /// <exception cref="ArgumentException"><paramref name="approximate"/> is neither "none" nor "tanh".</exception>
    public Tensor gelu(string approximate = "none") => approximate switch
    {
        "none" => Unary(UnaryOp.GeluErf),
        "tanh" => Unary(UnaryOp.GeluTanh),
        _ => throw new ArgumentException($"approximate must be 'none' or 'tanh', got '{approximate}'", nameof(approximate)),
    };
    /// <summary>x·sigmoid(x) elementwise.</summary>
    public Tensor silu() => Unary(UnaryOp.Silu);
    /// <summary>|x| elementwise.</summary>
    public Tensor abs() => Unary(UnaryOp.Abs);
    /// <summary>-x elementwise.</summary>
    public Tensor neg() => Unary(UnaryOp.Neg);
    /// <summary>sin elementwise.</summary>
    public Tensor sin() => Unary(UnaryOp.Sin);
    /// <summary>cos elementwise.</summary>
    public Tensor cos() => Unary(UnaryOp.Cos);
    /// <summary>erf elementwise.</summary>
    public Tensor erf() => Unary(UnaryOp.Erf);
    /// <summary>x² elementwise.</summary>
    public Tensor square() => Unary(UnaryOp.Square);
    /// <summary>1/x elementwise.</summary>
    public Tensor reciprocal() => Unary(UnaryOp.Reciprocal);
    /// <summary>Sign (-1, 0, 1) elementwise.</summary>
    public Tensor sign() => Unary(UnaryOp.Sign);
    /// <summary>Rounded down elementwise.</summary>
    public Tensor floor() => Unary(UnaryOp.Floor);
    /// <summary>Bool tensor: true where the element is finite.</summary>
    public Tensor isfinite() => Unary(UnaryOp.IsFinite);
    /// <summary>Bool tensor: true where the element is NaN.</summary>
    public Tensor isnan() => Unary(UnaryOp.IsNan);
    /// <summary>Logical not of a bool tensor.</summary>
    public Tensor logical_not() => Unary(UnaryOp.LogicalNot);

    /// <summary>self + other (broadcasting).</summary>
    public Tensor add(Tensor other) => Binary(other, BinaryOp.Add);
    /// <summary>self - other (broadcasting).</summary>
    public Tensor sub(Tensor other) => Binary(other, BinaryOp.Sub);
    /// <summary>self · other elementwise (broadcasting).</summary>
    public Tensor mul(Tensor other) => Binary(other, BinaryOp.Mul);
    /// <summary>self / other elementwise (true division).</summary>
    public Tensor div(Tensor other) => Binary(other, BinaryOp.Div);
    /// <summary>self^exponent elementwise.</summary>
    public Tensor pow(Tensor exponent) => Binary(exponent, BinaryOp.Pow);
    /// <summary>self^exponent elementwise.</summary>
    public Tensor pow(double exponent) => Scalar(exponent, BinaryOp.Pow);
    /// <summary>Elementwise maximum.</summary>
    public Tensor maximum(Tensor other) => Binary(other, BinaryOp.Maximum);
    /// <summary>Elementwise minimum.</summary>
    public Tensor minimum(Tensor other) => Binary(other, BinaryOp.Minimum);
    /// <summary>Bool tensor of self == other.</summary>
    public Tensor eq(Tensor other) => Binary(other, BinaryOp.Eq);
    /// <summary>Bool tensor of self == value.</summary>
    public Tensor eq(double value) => Scalar(value, BinaryOp.Eq);
    /// <summary>Bool tensor of self != other.</summary>
    public Tensor ne(Tensor other) => Binary(other, BinaryOp.Ne);
    /// <summary>Bool tensor of self &lt; other.</summary>
    public Tensor lt(Tensor other) => Binary(other, BinaryOp.Lt);
    /// <summary>Bool tensor of self &lt; value.</summary>
    public Tensor lt(double value) => Scalar(value, BinaryOp.Lt);
    /// <summary>Bool tensor of self &gt; other.</summary>
    public Tensor gt(Tensor other) => Binary(other, BinaryOp.Gt);
    /// <summary>Bool tensor of self &gt; value.</summary>
    public Tensor gt(double value) => Scalar(value, BinaryOp.Gt);
    /// <summary>Bool tensor of self &lt;= other.</summary>
    public Tensor le(Tensor other) => Binary(other, BinaryOp.Le);
    /// <summary>Bool tensor of self &gt;= other.</summary>
    public Tensor ge(Tensor other) => Binary(other, BinaryOp.Ge);
    /// <summary>Logical and of bool tensors.</summary>
    public Tensor logical_and(Tensor other) => Binary(other, BinaryOp.LogicalAnd);
    /// <summary>Logical or of bool tensors.</summary>
    public Tensor logical_or(Tensor other) => Binary(other, BinaryOp.LogicalOr);

    /// <summary>Clamps to [min, max]; a null bound is open.</summary>
    public Tensor clamp(double? min = null, double? max = null) =>
        W(OpsNative.bc_clamp(Handle, min ?? 0, min.HasValue ? 1 : 0, max ?? 0, max.HasValue ? 1 : 0), this);

    /// <summary>Clamps from below: max(x, min).</summary>
    public Tensor clamp_min(double min) => clamp(min, null);

    /// <summary>Matrix product with numpy broadcasting: [.., n, k] @ [.., k, m] → [.., n, m].</summary>
    public Tensor matmul(Tensor other) => W(OpsNative.bc_matmul(Handle, other.Handle), this, other);

    /// <summary>Batched product [b, n, k] @ [b, k, m] → [b, n, m].</summary>
    public Tensor bmm(Tensor other) => W(OpsNative.bc_bmm(Handle, other.Handle), this, other);

    /// <summary>Matrix product [n, k] @ [k, m] → [n, m].</summary>
    public Tensor mm(Tensor other) => W(OpsNative.bc_mm(Handle, other.Handle), this, other);

    /// <summary>exp(x_i) / Σ_j exp(x_j) along <paramref name="dim"/>.</summary>
    public Tensor softmax(long dim) => W(OpsNative.bc_softmax(Handle, dim), this);

    /// <summary>x_i - log Σ_j exp(x_j) along <paramref name="dim"/>.</summary>
    public Tensor log_softmax(long dim) => W(OpsNative.bc_log_softmax(Handle, dim), this);

    /// <summary>Running sum along <paramref name="dim"/>.</summary>
    public Tensor cumsum(long dim) => W(OpsNative.bc_cumsum(Handle, dim), this);

    // ---- in place (callers must be outside autograd or on tensors that do not require grad) ----

    /// <summary>self += other in place; returns this.</summary>
    public Tensor add_(Tensor other) { S(OpsNative.bc_inplace_binary(Handle, other.Handle, BinaryOp.Add), this, other); return this; }
    /// <summary>self -= other in place; returns this.</summary>
    public Tensor sub_(Tensor other) { S(OpsNative.bc_inplace_binary(Handle, other.Handle, BinaryOp.Sub), this, other); return this; }
    /// <summary>self *= other in place; returns this.</summary>
    public Tensor mul_(Tensor other) { S(OpsNative.bc_inplace_binary(Handle, other.Handle, BinaryOp.Mul), this, other); return this; }
    /// <summary>self += value in place; returns this.</summary>
    public Tensor add_(double value) { S(OpsNative.bc_inplace_scalar(Handle, value, BinaryOp.Add), this); return this; }
    /// <summary>self *= value in place; returns this.</summary>
    public Tensor mul_(double value) { S(OpsNative.bc_inplace_scalar(Handle, value, BinaryOp.Mul), this); return this; }
    /// <summary>Copies <paramref name="source"/> (broadcast, converted) into this tensor; returns this.</summary>
    public Tensor copy_(Tensor source) { S(OpsNative.bc_inplace_binary(Handle, source.Handle, BinaryOp.Copy), this, source); return this; }
    /// <summary>Sets every element to <paramref name="value"/>; returns this.</summary>
    public Tensor fill_(double value) { S(OpsNative.bc_inplace_scalar(Handle, value, BinaryOp.Fill), this); return this; }
    /// <summary>Sets every element to 0; returns this.</summary>
    public Tensor zero_() { S(OpsNative.bc_inplace_scalar(Handle, 0, BinaryOp.Zero), this); return this; }
    /// <summary>Fills with U(-bound, bound) draws; returns this.</summary>
    public Tensor uniform_(double bound) { S(OpsNative.bc_inplace_scalar(Handle, bound, BinaryOp.Uniform), this); return this; }
    /// <summary>Fills with N(0, std²) draws; returns this.</summary>
    public Tensor normal_(double std) { S(OpsNative.bc_inplace_scalar(Handle, std, BinaryOp.Normal), this); return this; }
}
