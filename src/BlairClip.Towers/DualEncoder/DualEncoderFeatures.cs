using BlairClip.ML.Recommenders;
using BlairClip.Towers.Training;

namespace BlairClip.Towers.DualEncoder;

/// <summary>The dual encoder as an item encoder: the heads over the text and image sources, on one device. Gives the
/// projected text, image and combined vectors of any items (differentiable while training) and, after training, every
/// item's vector in a mode.</summary>
/// <param name="reviews">The training events' review texts through the text tower (null: no review objectives).</param>
internal sealed class DualEncoderFeatures(DualEncoderHeads heads, TextSource text, ImageSource image, Device device, TextSource? reviews = null)
{
    public DualEncoderHeads Heads => heads;
    public int Items => text.Rows;

    /// <summary>normalize(text_projection(text features)) of <paramref name="items"/>.</summary>
    public Tensor Text(int[] items) => heads.Text(text.Features(heads, items, device));

    /// <summary>normalize(text_projection(text features)) of training events' review texts (rows of the training events).</summary>
    public Tensor Review(int[] events) => heads.Text((reviews ?? throw new InvalidOperationException("No review texts were given.")).Features(heads, events, device));

    /// <summary>normalize(visual_projection(image features)) of <paramref name="items"/>.</summary>
    public Tensor Image(int[] items) => heads.Image(image.Features(heads, items, device));

    /// <summary>normalize(Text + Image) of <paramref name="items"/>.</summary>
    public Tensor Combined(int[] items) => heads.Combined(text.Features(heads, items, device), image.Features(heads, items, device));

    public Tensor Of(DualEncoderMode mode, int[] items) => mode switch
    {
        DualEncoderMode.Text => Text(items),
        DualEncoderMode.Image => Image(items),
        _ => Combined(items),
    };

    /// <summary>Every item's vector in <paramref name="mode"/>, <c>[items, projection_dim]</c> row-major, float32, no
    /// gradient (zero rows for items without features in the modality used).</summary>
    public float[] ItemVectors(DualEncoderMode mode)
    {
        int n = text.Rows, d = (int)heads.text_projection.weight!.shape[0];
        var values = new float[(long)n * d];
        using var _ = torch.no_grad();
        int chunk = Math.Min(text.EncodeChunk, image.EncodeChunk);
        for (int start = 0; start < n; start += chunk)
        {
            using var noGc = NoGcRegion.Enter();
            using var scope = torch.NewDisposeScope();
            var rows = Enumerable.Range(start, Math.Min(chunk, n - start)).ToArray();
            var v = Of(mode, rows);
            if (v.device_type != DeviceType.CPU) v = v.cpu();
            v.data<float>().CopyTo(values.AsSpan(start * d, rows.Length * d));
        }
        return values;
    }

    /// <summary>Rows <paramref name="rows"/> of <paramref name="m"/> as a dense float32 tensor <c>[rows, dim]</c> on
    /// <paramref name="device"/>, written straight into libtorch's (zeroed, contiguous) CPU storage first, so a step
    /// allocates little managed memory.</summary>
    internal static Tensor Rows(ItemMatrix m, int[] rows, Device device)
    {
        var t = torch.zeros(rows.Length, m.Dimension);
        Fill(m, rows, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.bytes));
        return device.type == DeviceType.CPU ? t : t.to(device);
    }

    private static void Fill(ItemMatrix m, int[] rows, Span<float> dense)
    {
        int d = m.Dimension;
        for (int k = 0; k < rows.Length; k++)
        {
            var values = m.Row(rows[k]);
            var target = dense.Slice(k * d, d);
            if (m.IsDense) { values.CopyTo(target); continue; }
            var indices = m.RowIndices(rows[k]);
            for (int e = 0; e < values.Length; e++) target[indices[e]] = values[e];
        }
    }
}
