using System.Text.Json;
using BlairClip.ML.Core;

namespace BlairClip.Images.Preprocessing;

/// <summary>Options of <see cref="ClipImageProcessor"/>, named after the keys of Hugging Face's
/// <c>preprocessor_config.json</c>. Defaults are those of <c>openai/clip-vit-base-patch32</c>.</summary>
public sealed record ClipImageProcessorOptions
{
    /// <summary>(int) <c>size</c> / <c>size.shortest_edge</c>: the shorter side is resized to this.</summary>
    public int ShortestEdge { get; init; } = 224;
    /// <summary>(int) <c>crop_size</c> height of the centre crop.</summary>
    public int CropHeight { get; init; } = 224;
    /// <summary>(int) <c>crop_size</c> width of the centre crop.</summary>
    public int CropWidth { get; init; } = 224;
    /// <summary>(bool) <c>do_rescale</c>: multiply by <see cref="RescaleFactor"/>.</summary>
    public bool DoRescale { get; init; } = true;
    /// <summary>(double) <c>rescale_factor</c>, applied in float64 then cast to float32 (as HF's <c>rescale</c>).</summary>
    public double RescaleFactor { get; init; } = 1.0 / 255.0;
    /// <summary>(bool) <c>do_normalize</c>: <c>(x − mean) / std</c> per channel in float32.</summary>
    public bool DoNormalize { get; init; } = true;
    /// <summary>(float[3]) <c>image_mean</c>, R G B.</summary>
    public IReadOnlyList<float> ImageMean { get; init; } = [0.48145466f, 0.4578275f, 0.40821073f];
    /// <summary>(float[3]) <c>image_std</c>, R G B.</summary>
    public IReadOnlyList<float> ImageStd { get; init; } = [0.26862954f, 0.26130258f, 0.27577711f];

    private const int PilBicubic = 3;

    /// <summary>Reads a <c>preprocessor_config.json</c> in either layout: legacy (<c>"size": 224</c>,
    /// <c>"crop_size": 224</c>, no rescale keys) or current (<c>"size": {"shortest_edge": 224}</c>,
    /// <c>"crop_size": {"height": 224, "width": 224}</c>, <c>do_rescale</c>, <c>rescale_factor</c>). Keys this
    /// processor does not use (<c>feature_extractor_type</c>, <c>processor_class</c>, …) are ignored, as HF does.</summary>
    /// <exception cref="InvalidDataException">Malformed JSON, or a key with a wrong type or an unsupported value (the
    /// message names the file and the key; the inner <see cref="InvalidOptionException"/> the key alone): resizing and centre cropping must be on, <c>resample</c> must be 3 (bicubic), the crop must fit in
    /// the resized image.</exception>
    public static ClipImageProcessorOptions FromFile(string configPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(configPath));
            return FromJson(doc.RootElement);
        }
        catch (Exception e) when (e is InvalidOptionException or JsonException)
        {
            throw new InvalidDataException($"{configPath}: {e.Message}", e);
        }
    }

    internal static ClipImageProcessorOptions FromJson(JsonElement root)
    {
        var o = new ClipImageProcessorOptions();
        RequireTrue(root, "do_resize");
        RequireTrue(root, "do_center_crop");
        if (root.TryGetProperty("resample", out var resample))
            InvalidOptionException.Check(resample.ValueKind == JsonValueKind.Number && resample.GetInt32() == PilBicubic,
                "resample", resample.ToString(), "must be 3 (PIL bicubic, the only filter implemented)");
        if (root.TryGetProperty("size", out var size))
        {
            if (size.ValueKind == JsonValueKind.Number) o = o with { ShortestEdge = size.GetInt32() };
            else if (size.ValueKind == JsonValueKind.Object && size.TryGetProperty("shortest_edge", out var edge))
                o = o with { ShortestEdge = Int(edge, "size.shortest_edge") };
            else throw new InvalidOptionException("size", size.ToString(), "must be an integer or {\"shortest_edge\": n} (CLIP resizes the shortest edge)");
        }
        if (root.TryGetProperty("crop_size", out var crop))
        {
            if (crop.ValueKind == JsonValueKind.Number) o = o with { CropHeight = crop.GetInt32(), CropWidth = crop.GetInt32() };
            else if (crop.ValueKind == JsonValueKind.Object && crop.TryGetProperty("height", out var h) && crop.TryGetProperty("width", out var w))
                o = o with { CropHeight = Int(h, "crop_size.height"), CropWidth = Int(w, "crop_size.width") };
            else throw new InvalidOptionException("crop_size", crop.ToString(), "must be an integer or {\"height\": h, \"width\": w}");
        }
        if (root.TryGetProperty("do_rescale", out var doRescale)) o = o with { DoRescale = Bool(doRescale, "do_rescale") };
        if (root.TryGetProperty("rescale_factor", out var factor))
        {
            InvalidOptionException.Check(factor.ValueKind == JsonValueKind.Number, "rescale_factor", factor.ToString(), "must be a number");
            o = o with { RescaleFactor = factor.GetDouble() };
        }
        if (root.TryGetProperty("do_normalize", out var doNormalize)) o = o with { DoNormalize = Bool(doNormalize, "do_normalize") };
        if (root.TryGetProperty("image_mean", out var mean)) o = o with { ImageMean = Triple(mean, "image_mean") };
        if (root.TryGetProperty("image_std", out var std)) o = o with { ImageStd = Triple(std, "image_std") };
        return o.Validate();
    }

    /// <summary>Checks ranges; returns this.</summary>
    /// <exception cref="InvalidOptionException">A value is out of range.</exception>
    public ClipImageProcessorOptions Validate()
    {
        InvalidOptionException.Check(ShortestEdge > 0, "size.shortest_edge", ShortestEdge, "must be positive");
        InvalidOptionException.Check(CropHeight > 0 && CropHeight <= ShortestEdge, "crop_size.height", CropHeight,
            $"must be in 1..size.shortest_edge ({ShortestEdge}) so the crop fits in the resized image");
        InvalidOptionException.Check(CropWidth > 0 && CropWidth <= ShortestEdge, "crop_size.width", CropWidth,
            $"must be in 1..size.shortest_edge ({ShortestEdge}) so the crop fits in the resized image");
        InvalidOptionException.Check(ImageMean.Count == 3, "image_mean", ImageMean.Count, "must hold 3 values (R, G, B)");
        InvalidOptionException.Check(ImageStd.Count == 3 && ImageStd.All(s => s > 0), "image_std", string.Join(",", ImageStd),
            "must hold 3 positive values (R, G, B)");
        return this;
    }

    private static void RequireTrue(JsonElement root, string key)
    {
        if (root.TryGetProperty(key, out var v))
            InvalidOptionException.Check(v.ValueKind == JsonValueKind.True, key, v.ToString(), "must be true (CLIP always resizes and centre-crops)");
    }

    private static int Int(JsonElement e, string key)
    {
        InvalidOptionException.Check(e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _), key, e.ToString(), "must be an integer");
        return e.GetInt32();
    }

    private static bool Bool(JsonElement e, string key)
    {
        InvalidOptionException.Check(e.ValueKind is JsonValueKind.True or JsonValueKind.False, key, e.ToString(), "must be true or false");
        return e.GetBoolean();
    }

    private static float[] Triple(JsonElement e, string key)
    {
        InvalidOptionException.Check(e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 3
            && e.EnumerateArray().All(x => x.ValueKind == JsonValueKind.Number), key, e.ToString(), "must be an array of 3 numbers");
        // HF builds the array in the image's dtype, float32: parse as double, round once to float.
        return e.EnumerateArray().Select(x => (float)x.GetDouble()).ToArray();
    }
}
