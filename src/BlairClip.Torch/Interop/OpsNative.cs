using System.Runtime.InteropServices;

namespace BlairClip.Torch.Interop;

/// <summary>Declarations of native/include/bc_ops.h.</summary>
internal static unsafe partial class OpsNative
{
    private const string L = RuntimeNative.Library;

    [LibraryImport(L)] internal static partial IntPtr bc_unary(IntPtr t, UnaryOp op);
    [LibraryImport(L)] internal static partial IntPtr bc_binary(IntPtr a, IntPtr b, BinaryOp op);
    [LibraryImport(L)] internal static partial IntPtr bc_binary_scalar(IntPtr a, double scalar, int scalarIsIntegral, BinaryOp op);
    [LibraryImport(L)] internal static partial int bc_inplace_binary(IntPtr a, IntPtr b, BinaryOp op);
    [LibraryImport(L)] internal static partial int bc_inplace_scalar(IntPtr a, double scalar, BinaryOp op);
    [LibraryImport(L)] internal static partial IntPtr bc_reduce(IntPtr t, ReduceOp op, long* dims, int ndims, int keepdim);
    [LibraryImport(L)] internal static partial int bc_minmax_dim(IntPtr t, int op, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [LibraryImport(L)] internal static partial IntPtr bc_argminmax(IntPtr t, int op, long dim, int hasDim, int keepdim);
    [LibraryImport(L)] internal static partial IntPtr bc_norm(IntPtr t, double p, long* dims, int ndims, int keepdim);
    [LibraryImport(L)] internal static partial IntPtr bc_cumsum(IntPtr t, long dim);
    [LibraryImport(L)] internal static partial IntPtr bc_clamp(IntPtr t, double min, int hasMin, double max, int hasMax);
    [LibraryImport(L)] internal static partial IntPtr bc_matmul(IntPtr a, IntPtr b);
    [LibraryImport(L)] internal static partial IntPtr bc_mm(IntPtr a, IntPtr b);
    [LibraryImport(L)] internal static partial IntPtr bc_bmm(IntPtr a, IntPtr b);
    [LibraryImport(L)] internal static partial IntPtr bc_addmm(IntPtr input, IntPtr a, IntPtr b, double beta, double alpha);
    [LibraryImport(L)] internal static partial IntPtr bc_baddbmm(IntPtr input, IntPtr a, IntPtr b, double beta, double alpha);
    [LibraryImport(L)] internal static partial IntPtr bc_softmax(IntPtr t, long dim);
    [LibraryImport(L)] internal static partial IntPtr bc_log_softmax(IntPtr t, long dim);
}

/// <summary>Op codes of <c>bc_unary</c> (native/src/bc_ops.cpp).</summary>
internal enum UnaryOp
{
    Neg = 0, Exp = 1, Log = 2, Sqrt = 3, Rsqrt = 4, Tanh = 5, Sigmoid = 6, Relu = 7, GeluErf = 8, GeluTanh = 9,
    Abs = 10, Sin = 11, Cos = 12, Floor = 13, Ceil = 14, Round = 15, Sign = 16, Erf = 17, LogicalNot = 18,
    IsFinite = 19, IsNan = 20, Square = 21, Silu = 22, Log1p = 23, Expm1 = 24, Reciprocal = 25,
}

/// <summary>Op codes of <c>bc_binary</c>, <c>bc_binary_scalar</c> and the in-place variants.</summary>
internal enum BinaryOp
{
    Add = 0, Sub = 1, Mul = 2, Div = 3, Pow = 4, Eq = 5, Ne = 6, Lt = 7, Le = 8, Gt = 9, Ge = 10,
    Maximum = 11, Minimum = 12, LogicalAnd = 13, LogicalOr = 14, Remainder = 15, FloorDivide = 16,
    ReverseSub = 20, ReverseDiv = 21, ReversePow = 22,
    Copy = 30, Fill = 31, Zero = 32, Uniform = 33, Normal = 34,
}

/// <summary>Op codes of <c>bc_reduce</c>.</summary>
internal enum ReduceOp { Sum = 0, Mean = 1, Amax = 2, Amin = 3, LogSumExp = 4, Std = 5, Var = 6, Any = 7, All = 8 }
