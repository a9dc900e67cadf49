using F = TorchSharp.torch.nn.functional;

namespace BlairClip.Towers;

/// <summary>Multi-head scaled dot-product attention shared by the RoBERTa and CLIP layers.</summary>
internal static class Attention
{
    /// <summary>
    /// softmax(q kᵀ / √d + mask) v per head: q, k, v [batch, len, heads·d] → [batch, len, heads·d], with
    /// <paramref name="additiveMask"/> broadcastable to [batch, heads, len, len] (0 = keep, dtype minimum = drop).
    /// </summary>
    public static Tensor MultiHead(Tensor q, Tensor k, Tensor v, int heads, Tensor? additiveMask)
    {
        var shape = q.shape;
        long batch = shape[0], len = shape[1], width = shape[2], headDim = width / heads;
        Tensor Split(Tensor x) => x.view(batch, len, heads, headDim).transpose(1, 2);
        var context = F.scaled_dot_product_attention(Split(q), Split(k), Split(v), additiveMask);
        return context.transpose(1, 2).reshape(batch, len, width);
    }

    /// <summary>The most negative finite value of <paramref name="dtype"/>: HF's <c>finfo(dtype).min</c> mask fill.</summary>
    public static double MaskValue(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => -3.3895313892515355e38,
        ScalarType.Float16 => -65504.0,
        ScalarType.Float64 => double.MinValue,
        _ => float.MinValue,
    };

    /// <summary>
    /// HF's extended padding mask: <c>(1 - mask[:, None, None, :]) · min</c>, [batch, len] int64 → [batch, 1, 1, len]
    /// in <paramref name="dtype"/>.
    /// </summary>
    public static Tensor PaddingMask(Tensor attentionMask, ScalarType dtype)
    {
        var keep = attentionMask.to(dtype).unsqueeze(1).unsqueeze(1);
        return (1.0 - keep) * MaskValue(dtype);
    }
}
