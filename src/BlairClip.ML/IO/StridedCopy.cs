namespace BlairClip.ML.IO;

/// <summary>Materialises a strided view (PyTorch's size/stride/offset) into contiguous row-major bytes.</summary>
internal static class StridedCopy
{
    /// <summary>Copies element <c>[i0, …, in-1]</c> from storage element <c>offset + Σ ik · stride[k]</c>, in
    /// row-major order; runs along a unit-stride last dimension are copied as one block.</summary>
    /// <param name="storage">[storage elements · elementSize] bytes.</param>
    /// <returns>[Π shape · elementSize] bytes.</returns>
    public static byte[] Gather(ReadOnlySpan<byte> storage, int elementSize, long offset, long[] shape, long[] stride)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var result = new byte[checked((int)(count * elementSize))];
        if (count == 0) return result;
        int rank = shape.Length;
        if (rank == 0)
        {
            storage.Slice((int)(offset * elementSize), elementSize).CopyTo(result);
            return result;
        }
        long inner = shape[rank - 1], innerStride = stride[rank - 1];
        var index = new long[rank - 1];
        long source = offset;
        int written = 0;
        for (long run = 0; run < count / inner; run++)
        {
            if (innerStride == 1)
            {
                int bytes = (int)(inner * elementSize);
                storage.Slice((int)(source * elementSize), bytes).CopyTo(result.AsSpan(written));
                written += bytes;
            }
            else
            {
                for (long i = 0; i < inner; i++, written += elementSize)
                    storage.Slice((int)((source + i * innerStride) * elementSize), elementSize).CopyTo(result.AsSpan(written));
            }
            // Odometer over the outer dimensions, last fastest.
            for (int k = rank - 2; k >= 0; k--)
            {
                source += stride[k];
                if (++index[k] < shape[k]) break;
                source -= stride[k] * shape[k];
                index[k] = 0;
            }
        }
        return result;
    }
}
