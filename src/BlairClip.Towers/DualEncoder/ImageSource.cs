using BlairClip.Images.Preprocessing;
using BlairClip.ML.Recommenders;

namespace BlairClip.Towers.DualEncoder;

/// <summary>Where the dual encoder's image features come from: a frozen vector column (rows L2-normalised), or the
/// <c>pooler_output</c> of a trainable CLIP vision tower (<see cref="DualEncoderHeads.image_tower"/>) over the item
/// photos, decoded and preprocessed per batch (CLIP's processor; an item without a readable photo gets the black image,
/// as the image encoder's <c>missing_image: black</c>).</summary>
internal sealed class ImageSource
{
    private readonly ItemMatrix? _matrix;
    private readonly ClipImageProcessor? _processor;
    private readonly string?[]? _paths;

    public ImageSource(ItemMatrix matrix) { _matrix = matrix; Dimension = matrix.Dimension; }

    private ImageSource() { Dimension = 1; }

    /// <summary>No image modality: one feature that is always zero, so the (bias-free) image projection is the zero vector
    /// and the combined vector is the text one. (One rather than none: libtorch cannot initialise a zero-width layer.)</summary>
    public static ImageSource None { get; } = new();

    public ImageSource(ClipImageProcessor processor, string?[] paths, int hiddenSize)
    {
        _processor = processor; _paths = paths; Dimension = hiddenSize;
    }

    public int Dimension { get; }
    public bool IsTower => _processor is not null;
    public int EncodeChunk => IsTower ? 16 : 1024;

    /// <summary>[items.Length, Dimension]: the column's rows, or the tower's pooled states (differentiable).</summary>
    public Tensor Features(DualEncoderHeads heads, int[] items, Device device)
    {
        if (_matrix is not null) return DualEncoderFeatures.Rows(_matrix, items, device);
        if (_processor is null) return torch.zeros(items.Length, 1, device: device);
        int per = _processor!.ValuesPerImage, h = _processor.Options.CropHeight, w = _processor.Options.CropWidth;
        var pixels = torch.zeros(items.Length, 3, h, w);
        var span = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(pixels.bytes);
        var black = new byte[per];
        var files = new List<(int Slot, string Path)>();
        for (int k = 0; k < items.Length; k++)
        {
            var path = _paths![items[k]];
            if (string.IsNullOrEmpty(path)) _processor.Normalize(black, span.Slice(k * per, per));
            else files.Add((k, path));
        }
        if (files.Count > 0)
        {
            var decoded = new float[files.Count * per];
            var errors = _processor.PreprocessFiles(files.Select(f => f.Path).ToList(), decoded);
            for (int f = 0; f < files.Count; f++)
            {
                var slot = span.Slice(files[f].Slot * per, per);
                if (errors[f] is null) decoded.AsSpan(f * per, per).CopyTo(slot);
                else _processor.Normalize(black, slot);
            }
        }
        if (device.type != DeviceType.CPU) pixels = pixels.to(device);
        var output = heads.image_tower!.forward(pixels);
        return output.pooler_output;
    }
}
