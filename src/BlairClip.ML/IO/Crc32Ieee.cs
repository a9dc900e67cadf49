using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;

namespace BlairClip.ML.IO;

/// <summary>CRC-32 as gzip and zip use it (IEEE 802.3, reflected polynomial 0xEDB88320), chained as zlib's
/// <c>crc32(crc, buf, len)</c>: start from 0, pass the last value back in.</summary>
/// <remarks>Hand-written rather than System.IO.Hashing's <c>Crc32</c>, which is as fast once optimised but runs
/// unoptimised under tiered compilation for about the first 150–200 MB hashed in a process (measured 1–1.5 GB/s, then
/// 13 GB/s on the same machine): that is a whole data file, about 150 ms more for 205 MB of JSONL that inflates in
/// about 450 ms, where .NET's GZipStream has native zlib check the CRC. This one is compiled optimised at its first call
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>). On x64 it folds 64 bytes at a time with carry-less
/// multiplication (PCLMULQDQ; the method and constants of Intel's "Fast CRC Computation for Generic Polynomials Using
/// PCLMULQDQ Instruction", as zlib and Linux use them), on Arm64 it uses the CRC32 instructions, and otherwise, and
/// for the last bytes, a table.</remarks>
internal static class Crc32Ieee
{
    private static readonly uint[] Table = MakeTable();

    /// <summary>The CRC of <paramref name="data"/>.</summary>
    public static uint Hash(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>The CRC of the bytes <paramref name="crc"/> was computed over followed by <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) => ~Update(~crc, data);

    /// <summary>Updates the register (the CRC before its final inversion).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint Update(uint register, ReadOnlySpan<byte> data)
    {
        if (Pclmulqdq.IsSupported && Sse41.IsSupported && data.Length >= 64)
        {
            int bulk = data.Length & ~15;
            register = Fold(register, data[..bulk]);
            data = data[bulk..];
        }
        else if (ArmCrc32.Arm64.IsSupported)
        {
            while (data.Length >= 8)
            {
                register = ArmCrc32.Arm64.ComputeCrc32(register, MemoryMarshal.Read<ulong>(data));
                data = data[8..];
            }
        }
        foreach (byte b in data) register = Table[(byte)(register ^ b)] ^ (register >> 8);
        return register;
    }

    /// <summary>Folds <paramref name="data"/> (at least 64 bytes, a multiple of 16) into the register.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint Fold(uint register, ReadOnlySpan<byte> data)
    {
        ref byte p = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length, at = 64;
        var x1 = Vector128.LoadUnsafe(ref p).AsUInt64() ^ Vector128.CreateScalar(register).AsUInt64();
        var x2 = Vector128.LoadUnsafe(ref p, 16).AsUInt64();
        var x3 = Vector128.LoadUnsafe(ref p, 32).AsUInt64();
        var x4 = Vector128.LoadUnsafe(ref p, 48).AsUInt64();
        // x^(4·128+32) and x^(4·128−32) mod P (bit-reflected, shifted): each lane moves 512 bits on.
        var by4 = Vector128.Create(0x154442bd4UL, 0x1c6e41596UL);
        for (; length - at >= 64; at += 64)
        {
            x1 = FoldInto(x1, by4, Vector128.LoadUnsafe(ref p, at).AsUInt64());
            x2 = FoldInto(x2, by4, Vector128.LoadUnsafe(ref p, at + 16).AsUInt64());
            x3 = FoldInto(x3, by4, Vector128.LoadUnsafe(ref p, at + 32).AsUInt64());
            x4 = FoldInto(x4, by4, Vector128.LoadUnsafe(ref p, at + 48).AsUInt64());
        }
        // The same for 128 bits: the four lanes into one, then the remaining 16-byte blocks.
        var by1 = Vector128.Create(0x1751997d0UL, 0x0ccaa009eUL);
        x1 = FoldInto(FoldInto(FoldInto(x1, by1, x2), by1, x3), by1, x4);
        for (; length - at >= 16; at += 16) x1 = FoldInto(x1, by1, Vector128.LoadUnsafe(ref p, at).AsUInt64());
        // 128 → 64 → 32 bits, then Barrett reduction by P.
        var low32 = Vector128.Create(0xFFFFFFFFUL, 0);
        x1 = Pclmulqdq.CarrylessMultiply(x1, by1, 0x10) ^ Sse2.ShiftRightLogical128BitLane(x1, 8);
        x1 = Sse2.ShiftRightLogical128BitLane(x1, 4) ^ Pclmulqdq.CarrylessMultiply(x1 & low32, Vector128.CreateScalar(0x163cd6124UL), 0x00);
        var barrett = Vector128.Create(0x1db710641UL, 0x1f7011641UL);   // P, and μ = x^64 / P
        var t = Pclmulqdq.CarrylessMultiply(x1 & low32, barrett, 0x10) & low32;
        x1 ^= Pclmulqdq.CarrylessMultiply(t, barrett, 0x00);
        return x1.AsUInt32().GetElement(1);
    }

    private static Vector128<ulong> FoldInto(Vector128<ulong> x, Vector128<ulong> k, Vector128<ulong> next) =>
        Pclmulqdq.CarrylessMultiply(x, k, 0x00) ^ Pclmulqdq.CarrylessMultiply(x, k, 0x11) ^ next;

    private static uint[] MakeTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
