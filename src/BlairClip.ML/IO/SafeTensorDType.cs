using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BlairClip.ML.IO;

/// <summary>Element types of the safetensors format (names as they appear in the header). Checkpoint readers of
/// other formats (<c>pytorch_model.bin</c>) report their dtypes with the same names.</summary>
public enum SafeTensorDType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL }

/// <summary>Sizes, .NET types and float conversions of <see cref="SafeTensorDType"/>.</summary>
public static class SafeTensorDTypes
{
    /// <summary>Bytes per element: 8 (F64, I64), 4 (F32, I32), 2 (F16, BF16, I16) or 1 (I8, U8, BOOL).</summary>
    public static int SizeOf(SafeTensorDType t) => t switch
    {
        SafeTensorDType.F64 or SafeTensorDType.I64 => 8,
        SafeTensorDType.F32 or SafeTensorDType.I32 => 4,
        SafeTensorDType.F16 or SafeTensorDType.BF16 or SafeTensorDType.I16 => 2,
        _ => 1,
    };

    /// <summary>The dtype stored for .NET element type <typeparamref name="T"/> (bf16 has no .NET type: use raw bytes).</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no safetensors dtype.</exception>
    public static SafeTensorDType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? SafeTensorDType.F32
        : typeof(T) == typeof(double) ? SafeTensorDType.F64
        : typeof(T) == typeof(Half) ? SafeTensorDType.F16
        : typeof(T) == typeof(long) ? SafeTensorDType.I64
        : typeof(T) == typeof(int) ? SafeTensorDType.I32
        : typeof(T) == typeof(short) ? SafeTensorDType.I16
        : typeof(T) == typeof(sbyte) ? SafeTensorDType.I8
        : typeof(T) == typeof(byte) ? SafeTensorDType.U8
        : typeof(T) == typeof(bool) ? SafeTensorDType.BOOL
        : throw new NotSupportedException($"No safetensors dtype for {typeof(T).Name}.");

    /// <summary>Converts little-endian elements of <paramref name="dtype"/> to float32, element by element:
    /// BF16 is the upper half of a float32 (<c>bits &lt;&lt; 16</c>, exact); F16 widens exactly; F64 rounds to
    /// nearest float32; integers become <c>(float)value</c> (exact up to 2^24); BOOL gives 0 or 1.</summary>
    /// <param name="bytes">[n · SizeOf(dtype)] bytes.</param>
    /// <returns>[n] floats.</returns>
    /// <exception cref="ArgumentException">The byte count is not a multiple of the element size.</exception>
    public static float[] ToSingle(ReadOnlySpan<byte> bytes, SafeTensorDType dtype)
    {
        int size = SizeOf(dtype);
        if (bytes.Length % size != 0)
            throw new ArgumentException($"{bytes.Length} bytes are not a whole number of {dtype} elements ({size} bytes each).", nameof(bytes));
        var result = new float[bytes.Length / size];
        ToSingle(bytes, dtype, result);
        return result;
    }

    /// <summary>Converts into <paramref name="destination"/> (length = element count); see
    /// <see cref="ToSingle(ReadOnlySpan{byte}, SafeTensorDType)"/>.</summary>
    /// <exception cref="ArgumentException">The destination length is not the element count.</exception>
    public static void ToSingle(ReadOnlySpan<byte> bytes, SafeTensorDType dtype, Span<float> destination)
    {
        if (bytes.Length != destination.Length * SizeOf(dtype))
            throw new ArgumentException($"{bytes.Length} bytes of {dtype} do not hold {destination.Length} elements.", nameof(destination));
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Big-endian hosts are not supported.");
        switch (dtype)
        {
            case SafeTensorDType.F32: MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination); break;
            case SafeTensorDType.F16: TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(bytes), destination); break;
            case SafeTensorDType.BF16: BFloat16ToSingle(MemoryMarshal.Cast<byte, ushort>(bytes), destination); break;
            case SafeTensorDType.F64: TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, double>(bytes), destination); break;
            case SafeTensorDType.I64: TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, long>(bytes), destination); break;
            case SafeTensorDType.I32: TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, int>(bytes), destination); break;
            case SafeTensorDType.I16: TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, short>(bytes), destination); break;
            case SafeTensorDType.I8: TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, sbyte>(bytes), destination); break;
            case SafeTensorDType.U8: TensorPrimitives.ConvertTruncating(bytes, destination); break;
            case SafeTensorDType.BOOL:
                for (int i = 0; i < bytes.Length; i++) destination[i] = bytes[i] != 0 ? 1f : 0f;
                break;
            default: throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype.");
        }
    }

    /// <summary>Rounds float32 values to bfloat16 (round to nearest, ties to even; NaN stays a quiet NaN) and returns
    /// their little-endian bytes, [n] floats → [2n] bytes, as PyTorch's <c>tensor.to(torch.bfloat16)</c> does.</summary>
    public static byte[] SingleToBFloat16Bytes(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
        {
            uint bits = BitConverter.SingleToUInt32Bits(values[i]);
            ushort half = float.IsNaN(values[i])
                ? (ushort)((bits >> 16) | 0x0040)
                : (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), half);
        }
        return bytes;
    }

    /// <summary>bf16 → f32 is a 16-bit left shift of the bit pattern; done 8 or 16 lanes at a time because
    /// BF16 checkpoints of large models convert hundreds of millions of elements.</summary>
    private static void BFloat16ToSingle(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        var bits = MemoryMarshal.Cast<float, uint>(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= source.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Create(source[i..]));
                (lo << 16).CopyTo(bits[i..]);
                (hi << 16).CopyTo(bits[(i + Vector256<uint>.Count)..]);
            }
        }
        for (; i < source.Length; i++) bits[i] = (uint)source[i] << 16;
    }
}
