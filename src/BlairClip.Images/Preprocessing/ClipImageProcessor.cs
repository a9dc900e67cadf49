using BlairClip.Images.Decoding;

namespace BlairClip.Images.Preprocessing;

/// <summary>CLIP image preprocessing exactly as Hugging Face's <c>CLIPImageProcessor</c> (slow, Pillow path):
/// resize the shortest side to <c>S</c> and the long side to <c>int(S·long/short)</c> with Pillow's bicubic filter,
/// centre crop <c>H×W</c> at <c>top = (h − H) // 2</c>, <c>left = (w − W) // 2</c>, rescale
/// <c>float32(float64(v)·factor)</c>, normalise <c>(x − mean) / std</c> in float32, HWC → CHW.
/// Thread-safe; one instance serves a whole catalog.</summary>
public sealed partial class ClipImageProcessor
{
    private readonly float[] _lookup;   // [3, 256]: value of channel c for byte v, after rescale + normalise

    /// <summary>Creates a processor.</summary>
    /// <exception cref="BlairClip.ML.Core.InvalidOptionException">The options are out of range.</exception>
    public ClipImageProcessor(ClipImageProcessorOptions options)
    {
        Options = options.Validate();
        _lookup = new float[3 * 256];
        for (int c = 0; c < 3; c++)
        {
            for (int v = 0; v < 256; v++)
            {
                float x = options.DoRescale ? (float)(v * options.RescaleFactor) : v;
                _lookup[c * 256 + v] = options.DoNormalize ? (x - options.ImageMean[c]) / options.ImageStd[c] : x;
            }
        }
    }

    /// <summary>A processor configured by a Hugging Face <c>preprocessor_config.json</c>.</summary>
    /// <inheritdoc cref="ClipImageProcessorOptions.FromFile"/>
    public static ClipImageProcessor FromFile(string configPath) => new(ClipImageProcessorOptions.FromFile(configPath));

    public ClipImageProcessorOptions Options { get; }

    /// <summary>Elements of one preprocessed image: 3 × CropHeight × CropWidth.</summary>
    public int ValuesPerImage => 3 * Options.CropHeight * Options.CropWidth;

    /// <summary>Size after the resize step: the shortest side becomes <c>S</c>, the other <c>int(S·long/short)</c>
    /// (the double quotient truncated, as Python's <c>int()</c>).</summary>
    public (int Width, int Height) ResizedSize(int width, int height)
    {
        int s = Options.ShortestEdge;
        if (width <= height) return (s, (int)((double)s * height / width));
        return ((int)((double)s * width / height), s);
    }

    /// <summary>Resize + centre crop of one image.</summary>
    /// <returns>[CropHeight, CropWidth, 3] RGB bytes (HWC).</returns>
    public byte[] ResizeAndCrop(RgbImage image)
    {
        var crop = new byte[ValuesPerImage];
        ResizeAndCrop(image, crop);
        return crop;
    }

    /// <summary>Resize + centre crop into <paramref name="destination"/> ([CropHeight, CropWidth, 3]). Only the crop
    /// window of the resized image is computed.</summary>
    /// <exception cref="ArgumentException">The image is inconsistent or the destination has the wrong length.</exception>
    public void ResizeAndCrop(RgbImage image, Span<byte> destination)
    {
        image.Validate();
        if (destination.Length != ValuesPerImage)
            throw new ArgumentException($"destination must hold {ValuesPerImage} bytes ([{Options.CropHeight}, {Options.CropWidth}, 3]), but holds {destination.Length}");
        var (w, h) = ResizedSize(image.Width, image.Height);
        int top = (h - Options.CropHeight) / 2;     // both non-negative: floor division as HF's //
        int left = (w - Options.CropWidth) / 2;
        PillowBicubic.ResizeWindow(image.Pixels, image.Width, image.Height, w, h, left, top, Options.CropWidth, Options.CropHeight, destination);
    }

    /// <summary>Rescale + normalise a crop ([H, W, 3] bytes) into <paramref name="destination"/> ([3, H, W] floats).</summary>
    public void Normalize(ReadOnlySpan<byte> crop, Span<float> destination)
    {
        int plane = Options.CropHeight * Options.CropWidth;
        if (crop.Length != 3 * plane || destination.Length != 3 * plane)
            throw new ArgumentException($"crop and destination must hold {3 * plane} values, but hold {crop.Length} and {destination.Length}");
        var r = destination[..plane];
        var g = destination.Slice(plane, plane);
        var b = destination.Slice(2 * plane, plane);
        var lut = _lookup.AsSpan();
        for (int i = 0; i < plane; i++)
        {
            r[i] = lut[crop[3 * i]];
            g[i] = lut[256 + crop[3 * i + 1]];
            b[i] = lut[512 + crop[3 * i + 2]];
        }
    }

    /// <summary>Full preprocessing of one image.</summary>
    /// <returns><c>pixel_values</c> of one image, [3, CropHeight, CropWidth].</returns>
    public float[] Preprocess(RgbImage image)
    {
        var values = new float[ValuesPerImage];
        Normalize(ResizeAndCrop(image), values);
        return values;
    }

    /// <summary>Preprocesses a batch in parallel into <paramref name="destination"/>, [batch, 3, CropHeight, CropWidth].</summary>
    /// <exception cref="ArgumentException">The destination length is not batch × <see cref="ValuesPerImage"/>.</exception>
    public void PreprocessBatch(IReadOnlyList<RgbImage> images, Span<float> destination)
    {
        int n = ValuesPerImage;
        if (destination.Length != (long)images.Count * n)
            throw new ArgumentException($"destination must hold {images.Count} x {n} values ([{images.Count}, 3, {Options.CropHeight}, {Options.CropWidth}]), but holds {destination.Length}");
        // The resampling (the expensive part) runs in parallel into a byte buffer; a Span cannot be captured by the
        // parallel body, so the cheap table-lookup normalisation into the caller's span follows sequentially.
        var crops = new byte[images.Count * n];
        Parallel.For(0, images.Count, i => ResizeAndCrop(images[i], crops.AsSpan(i * n, n)));
        for (int i = 0; i < images.Count; i++) Normalize(crops.AsSpan(i * n, n), destination.Slice(i * n, n));
    }

    /// <summary>Preprocesses a batch in parallel.</summary>
    /// <returns><c>pixel_values</c>, [batch, 3, CropHeight, CropWidth].</returns>
    public float[] PreprocessBatch(IReadOnlyList<RgbImage> images)
    {
        var values = new float[images.Count * ValuesPerImage];
        PreprocessBatch(images, values);
        return values;
    }
}
