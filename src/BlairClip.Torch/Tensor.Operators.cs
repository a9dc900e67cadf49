using BlairClip.Torch.Interop;

namespace BlairClip.Torch;

public partial class Tensor
{
    /// <summary>Elementwise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Binary(b, BinaryOp.Add);
    /// <summary>Elementwise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Binary(b, BinaryOp.Sub);
    /// <summary>Elementwise product with broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Binary(b, BinaryOp.Mul);
    /// <summary>Elementwise true division with broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Binary(b, BinaryOp.Div);
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Unary(UnaryOp.Neg);

    /// <summary>a + s.</summary>
    public static Tensor operator +(Tensor a, double s) => a.Scalar(s, BinaryOp.Add);
    /// <summary>s + a.</summary>
    public static Tensor operator +(double s, Tensor a) => a.Scalar(s, BinaryOp.Add);
    /// <summary>a - s.</summary>
    public static Tensor operator -(Tensor a, double s) => a.Scalar(s, BinaryOp.Sub);
    /// <summary>s - a.</summary>
    public static Tensor operator -(double s, Tensor a) => a.Scalar(s, BinaryOp.ReverseSub);
    /// <summary>a · s.</summary>
    public static Tensor operator *(Tensor a, double s) => a.Scalar(s, BinaryOp.Mul);
    /// <summary>s · a.</summary>
    public static Tensor operator *(double s, Tensor a) => a.Scalar(s, BinaryOp.Mul);
    /// <summary>a / s.</summary>
    public static Tensor operator /(Tensor a, double s) => a.Scalar(s, BinaryOp.Div);
    /// <summary>s / a.</summary>
    public static Tensor operator /(double s, Tensor a) => a.Scalar(s, BinaryOp.ReverseDiv);

    /// <summary>a + s keeping integer dtypes integral.</summary>
    public static Tensor operator +(Tensor a, long s) => a.Scalar(s, BinaryOp.Add, integral: true);
    /// <summary>a - s keeping integer dtypes integral.</summary>
    public static Tensor operator -(Tensor a, long s) => a.Scalar(s, BinaryOp.Sub, integral: true);
    /// <summary>a · s keeping integer dtypes integral.</summary>
    public static Tensor operator *(Tensor a, long s) => a.Scalar(s, BinaryOp.Mul, integral: true);

    /// <summary>Bool tensor a &lt; b.</summary>
    public static Tensor operator <(Tensor a, Tensor b) => a.lt(b);
    /// <summary>Bool tensor a &gt; b.</summary>
    public static Tensor operator >(Tensor a, Tensor b) => a.gt(b);
    /// <summary>Bool tensor a &lt; s.</summary>
    public static Tensor operator <(Tensor a, double s) => a.lt(s);
    /// <summary>Bool tensor a &gt; s.</summary>
    public static Tensor operator >(Tensor a, double s) => a.gt(s);
    /// <summary>Logical and of bool tensors.</summary>
    public static Tensor operator &(Tensor a, Tensor b) => a.logical_and(b);
    /// <summary>Logical or of bool tensors.</summary>
    public static Tensor operator |(Tensor a, Tensor b) => a.logical_or(b);
    /// <summary>Logical not of a bool tensor.</summary>
    public static Tensor operator !(Tensor a) => a.logical_not();
}
