using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace BlairClip.ML.Search;

/// <summary>Identifies the vectors an index was built over: their shape and the XxHash64 of their bytes (float32 in
/// memory order, little-endian on every platform .NET runs these files on). A saved <see cref="HnswIndex"/> carries it, and
/// <see cref="HnswIndex.Load"/> refuses vectors with another fingerprint, so a cached index never answers for a changed
/// catalog.</summary>
/// <param name="Count">Rows.</param>
/// <param name="Dimension">Values per row.</param>
/// <param name="Hash">XxHash64 (seed 0) of the row-major float32 bytes.</param>
public readonly record struct VectorFingerprint(int Count, int Dimension, ulong Hash)
{
    /// <summary>The fingerprint of <paramref name="matrix"/> (row-major <c>[rows, dim]</c>).</summary>
    /// <exception cref="ArgumentException">The matrix's length is not <paramref name="rows"/> × <paramref name="dim"/>.</exception>
    public static VectorFingerprint Of(ReadOnlySpan<float> matrix, int rows, int dim)
    {
        if (matrix.Length != (long)rows * dim)
            throw new ArgumentException($"The matrix has {matrix.Length} values, expected rows × dim = {rows} × {dim}.", nameof(matrix));
        return new(rows, dim, XxHash64.HashToUInt64(MemoryMarshal.AsBytes(matrix)));
    }

    public override string ToString() => $"{Count:N0} × {Dimension} vectors, xxhash64 {Hash:x16}";
}
