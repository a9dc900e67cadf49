namespace BlairClip.Images.Decoding;

/// <summary>A decoded image: 8-bit RGB, row-major, interleaved (HWC), no row padding.</summary>
/// <param name="Width">Columns, ≥ 1.</param>
/// <param name="Height">Rows, ≥ 1.</param>
/// <param name="Pixels">[Height, Width, 3] bytes: pixel (y, x) channel c at <c>(y * Width + x) * 3 + c</c>.</param>
public sealed record RgbImage(int Width, int Height, byte[] Pixels)
{
    /// <summary>Checks that <see cref="Pixels"/> holds exactly Width × Height × 3 bytes.</summary>
    /// <exception cref="ArgumentException">The sizes disagree or are not positive.</exception>
    public RgbImage Validate()
    {
        if (Width <= 0 || Height <= 0)
            throw new ArgumentException($"image size must be positive, but was {Width}x{Height} (width x height)");
        if (Pixels.Length != (long)Width * Height * 3)
            throw new ArgumentException($"image of {Width}x{Height} needs {(long)Width * Height * 3} RGB bytes, but has {Pixels.Length}");
        return this;
    }
}
