using BlairClip.Images.Decoding;

namespace BlairClip.Images.Preprocessing;

public sealed partial class ClipImageProcessor
{
    /// <summary>Decodes and preprocesses a batch of image files in parallel into <paramref name="destination"/>,
    /// [batch, 3, CropHeight, CropWidth]. A file that is missing, of an unknown format, corrupt or truncated does not
    /// stop the batch: its slot receives the preprocessed all-black image (the seed study's <c>black</c> policy) and its
    /// error is returned, so a caller applying a <c>skip</c> policy can drop the item instead.</summary>
    /// <returns>Per input, null on success or the <see cref="ImageDecodeException"/> naming the file.</returns>
    /// <exception cref="ImageDecoderUnavailableException">A native decoder library is not installed (not a problem of
    /// one image, so it stops the batch).</exception>
    /// <exception cref="ArgumentException">The destination length is not batch × <see cref="ValuesPerImage"/>.</exception>
    public ImageDecodeException?[] PreprocessFiles(IReadOnlyList<string> paths, Span<float> destination)
    {
        int n = ValuesPerImage;
        if (destination.Length != (long)paths.Count * n)
            throw new ArgumentException($"destination must hold {paths.Count} x {n} values ([{paths.Count}, 3, {Options.CropHeight}, {Options.CropWidth}]), but holds {destination.Length}");
        var errors = new ImageDecodeException?[paths.Count];
        var crops = new byte[paths.Count * n];       // zero = black for failed items
        Parallel.For(0, paths.Count, i =>
        {
            try
            {
                ResizeAndCrop(ImageDecoder.Decode(paths[i]), crops.AsSpan(i * n, n));
            }
            catch (ImageDecodeException e)
            {
                errors[i] = e;
            }
        });
        for (int i = 0; i < paths.Count; i++) Normalize(crops.AsSpan(i * n, n), destination.Slice(i * n, n));
        return errors;
    }
}
