using System.Collections.Concurrent;
using System.Numerics;
using System.Buffers;

namespace BlairClip.Images.Preprocessing;

/// <summary>Pillow's 8-bit bicubic resampler (<c>Image.resize(size, BICUBIC, reducing_gap=None)</c>, libImaging
/// Resample.c), reproduced bit for bit so that crops match <c>CLIPImageProcessor</c> exactly.</summary>
/// <remarks>
/// Per axis, output index <c>i</c> has centre <c>c = (i + 0.5)·scale</c> with <c>scale = in/out</c>; the kernel
/// is widened by <c>fs = max(scale, 1)</c> (support <c>2·fs</c>) and evaluated at <c>(j − c + 0.5)/fs</c> for input
/// indices <c>j ∈ [trunc(c − support + 0.5), trunc(c + support + 0.5))</c> clipped to the image; the Keys cubic with
/// a = −0.5. Weights are normalised to sum 1 in double, then turned into fixed point with 22 fractional bits
/// (32 − 8 − 2), rounding half away from zero. Each output is <c>clip8((2^21 + Σ w·v) &gt;&gt; 22)</c> in 32-bit
/// integers. The horizontal pass runs first (only when the width changes) on the rows the vertical pass needs, its
/// result is clipped to 8 bits, then the vertical pass (only when the height changes). Each output pixel depends
/// only on its own weights, so computing just a window of the output (the centre crop) gives identical values.
/// </remarks>
internal static class PillowBicubic
{
    private const int PrecisionBits = 32 - 8 - 2;
    private const int Half = 1 << (PrecisionBits - 1);
    private const double Support = 2.0;

    private static readonly ConcurrentDictionary<(int In, int Out), AxisWeights> Cache = new();

    /// <summary>Fixed-point weights of one axis: output i reads <c>Count[i]</c> inputs from <c>Start[i]</c> with
    /// weights <c>Weights[i·KernelSize ..]</c>.</summary>
    internal sealed record AxisWeights(int KernelSize, int[] Start, int[] Count, int[] Weights);

    /// <summary>Weights for resampling <paramref name="inSize"/> samples to <paramref name="outSize"/> (cached).</summary>
    internal static AxisWeights WeightsFor(int inSize, int outSize) => Cache.GetOrAdd((inSize, outSize), k => Compute(k.In, k.Out));

    private static double Cubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    private static AxisWeights Compute(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = Support * filterScale;
        int kernelSize = (int)Math.Ceiling(support) * 2 + 1;
        var start = new int[outSize];
        var count = new int[outSize];
        var weights = new int[outSize * kernelSize];
        var w = new double[kernelSize];
        for (int i = 0; i < outSize; i++)
        {
            double center = (i + 0.5) * scale;
            double inverse = 1.0 / filterScale;
            int min = Math.Max((int)(center - support + 0.5), 0);     // (int) truncates toward zero, as in C
            int max = Math.Min((int)(center + support + 0.5), inSize) - min;
            double sum = 0.0;
            for (int j = 0; j < max; j++)
            {
                w[j] = Cubic((j + min - center + 0.5) * inverse);
                sum += w[j];
            }
            for (int j = 0; j < max; j++)
            {
                double normalised = sum != 0.0 ? w[j] / sum : w[j];
                double scaled = normalised * (1 << PrecisionBits);
                weights[i * kernelSize + j] = (int)(normalised < 0 ? scaled - 0.5 : scaled + 0.5);
            }
            start[i] = min;
            count[i] = max;
        }
        return new AxisWeights(kernelSize, start, count, weights);
    }

    /// <summary>Computes the window <c>[top, top + height) × [left, left + width)</c> of <paramref name="source"/>
    /// ([sourceHeight, sourceWidth, 3]) resized to <paramref name="outWidth"/> × <paramref name="outHeight"/>,
    /// into <paramref name="destination"/> ([height, width, 3]).</summary>
    internal static void ResizeWindow(ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, int outWidth, int outHeight,
        int left, int top, int width, int height, Span<byte> destination)
    {
        bool horizontal = outWidth != sourceWidth;
        bool vertical = outHeight != sourceHeight;
        var cols = horizontal ? WeightsFor(sourceWidth, outWidth) : null;
        var rows = vertical ? WeightsFor(sourceHeight, outHeight) : null;
        if (rows is null)
        {
            // Rows map one to one: the window's rows are source rows top .. top + height.
            if (cols is null)
            {
                for (int y = 0; y < height; y++)
                    source.Slice(((top + y) * sourceWidth + left) * 3, width * 3).CopyTo(destination.Slice(y * width * 3, width * 3));
            }
            else
            {
                Horizontal(source, sourceWidth, top, height, cols, left, width, destination);
            }
            return;
        }
        int firstRow = rows.Start[top];
        int lastRow = rows.Start[top + height - 1] + rows.Count[top + height - 1];
        if (cols is null)
        {
            // Vertical only: read the window's columns straight from the source.
            var strip = new byte[(lastRow - firstRow) * width * 3];
            for (int y = firstRow; y < lastRow; y++)
                source.Slice((y * sourceWidth + left) * 3, width * 3).CopyTo(strip.AsSpan((y - firstRow) * width * 3));
            Vertical(strip, width, firstRow, rows, top, height, destination);
            return;
        }
        var intermediate = ArrayPool<byte>.Shared.Rent((lastRow - firstRow) * width * 3);
        try
        {
            Horizontal(source, sourceWidth, firstRow, lastRow - firstRow, cols, left, width, intermediate);
            Vertical(intermediate, width, firstRow, rows, top, height, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(intermediate);
        }
    }

    /// <summary>Horizontal pass over source rows <c>[firstRow, firstRow + rowCount)</c>, output columns
    /// <c>[left, left + width)</c> → [rowCount, width, 3].</summary>
    /// <remarks>Runs on a transposed copy so that, as in the vertical pass, one weight multiplies a contiguous run of
    /// bytes (a whole source column) and the accumulation vectorises; the integer sums are the same as Pillow's
    /// per-pixel loop, only their order of evaluation differs, which integer addition does not notice.</remarks>
    private static void Horizontal(ReadOnlySpan<byte> source, int sourceWidth, int firstRow, int rowCount,
        AxisWeights cols, int left, int width, Span<byte> destination)
    {
        int k = cols.KernelSize;
        int firstCol = cols.Start[left];
        int lastCol = cols.Start[left + width - 1] + cols.Count[left + width - 1];
        int colBytes = rowCount * 3;
        var transposed = ArrayPool<byte>.Shared.Rent((lastCol - firstCol) * colBytes);
        var resultT = ArrayPool<byte>.Shared.Rent(width * colBytes);
        var acc = ArrayPool<int>.Shared.Rent(colBytes);
        try
        {
            for (int r = 0; r < rowCount; r++)
            {
                var row = source.Slice(((firstRow + r) * sourceWidth + firstCol) * 3, (lastCol - firstCol) * 3);
                for (int c = 0, o = r * 3; c < lastCol - firstCol; c++, o += colBytes)
                {
                    transposed[o] = row[3 * c];
                    transposed[o + 1] = row[3 * c + 1];
                    transposed[o + 2] = row[3 * c + 2];
                }
            }
            var sums = acc.AsSpan(0, colBytes);
            for (int x = 0; x < width; x++)
            {
                int xx = left + x;
                var w = cols.Weights.AsSpan(xx * k, cols.Count[xx]);
                int start = cols.Start[xx] - firstCol;
                sums.Fill(Half);
                for (int j = 0; j < w.Length; j++)
                    MultiplyAdd(transposed.AsSpan((start + j) * colBytes, colBytes), w[j], sums);
                var outCol = resultT.AsSpan(x * colBytes, colBytes);
                for (int i = 0; i < colBytes; i++) outCol[i] = Clip8(sums[i]);
            }
            for (int r = 0; r < rowCount; r++)
            {
                var outRow = destination.Slice(r * width * 3, width * 3);
                for (int x = 0, o = r * 3; x < width; x++, o += colBytes)
                {
                    outRow[3 * x] = resultT[o];
                    outRow[3 * x + 1] = resultT[o + 1];
                    outRow[3 * x + 2] = resultT[o + 2];
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(transposed);
            ArrayPool<byte>.Shared.Return(resultT);
            ArrayPool<int>.Shared.Return(acc);
        }
    }

    /// <summary>Vertical pass: <paramref name="strip"/> holds rows from <paramref name="firstRow"/> on, each
    /// <paramref name="width"/> pixels; writes output rows <c>[top, top + height)</c>.</summary>
    private static void Vertical(ReadOnlySpan<byte> strip, int width, int firstRow, AxisWeights rows, int top, int height, Span<byte> destination)
    {
        int rowBytes = width * 3;
        int k = rows.KernelSize;
        Span<int> acc = rowBytes <= 4096 ? stackalloc int[rowBytes] : new int[rowBytes];
        for (int y = 0; y < height; y++)
        {
            int yy = top + y;
            var w = rows.Weights.AsSpan(yy * k, rows.Count[yy]);
            int start = rows.Start[yy] - firstRow;
            acc.Fill(Half);
            for (int j = 0; j < w.Length; j++)
                MultiplyAdd(strip.Slice((start + j) * rowBytes, rowBytes), w[j], acc);
            var outRow = destination.Slice(y * rowBytes, rowBytes);
            for (int i = 0; i < rowBytes; i++) outRow[i] = Clip8(acc[i]);
        }
    }

    /// <summary>acc[i] += row[i] · weight, 32-bit wrapping like the C original (the 22-bit precision keeps it in range).</summary>
    private static void MultiplyAdd(ReadOnlySpan<byte> row, int weight, Span<int> acc)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && row.Length >= Vector<byte>.Count)
        {
            var wv = new Vector<int>(weight);
            for (; i <= row.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                Vector.Widen(new Vector<byte>(row[i..]), out var lo, out var hi);
                Vector.Widen(lo, out var a, out var b);
                Vector.Widen(hi, out var c, out var d);
                int n = Vector<int>.Count;
                var s = acc[i..];
                (new Vector<int>(s) + Vector.AsVectorInt32(a) * wv).CopyTo(s);
                (new Vector<int>(s[n..]) + Vector.AsVectorInt32(b) * wv).CopyTo(s[n..]);
                (new Vector<int>(s[(2 * n)..]) + Vector.AsVectorInt32(c) * wv).CopyTo(s[(2 * n)..]);
                (new Vector<int>(s[(3 * n)..]) + Vector.AsVectorInt32(d) * wv).CopyTo(s[(3 * n)..]);
            }
        }
        for (; i < row.Length; i++) acc[i] += row[i] * weight;
    }

    private static byte Clip8(int value) => (byte)Math.Clamp(value >> PrecisionBits, 0, 255);

    /// <summary>Full resize (the whole output), for tests and callers that do not crop.</summary>
    internal static byte[] Resize(ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, int outWidth, int outHeight)
    {
        var result = new byte[outWidth * outHeight * 3];
        ResizeWindow(source, sourceWidth, sourceHeight, outWidth, outHeight, 0, 0, outWidth, outHeight, result);
        return result;
    }
}
