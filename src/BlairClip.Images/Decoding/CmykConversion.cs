namespace BlairClip.Images.Decoding;

/// <summary>CMYK to RGB as Pillow does it for JPEGs: Pillow always assumes Adobe polarity (stored values inverted,
/// raw mode "CMYK;I"), then applies its <c>cmyk2rgb</c>: <c>R = clip(nk − nk·c/255)</c> with <c>nk = 255 − k</c> and
/// the division rounded as <c>((t &gt;&gt; 8) + t) &gt;&gt; 8</c>, <c>t = c·nk + 128</c>.</summary>
internal static class CmykConversion
{
    /// <summary>[pixels, 4] stored (inverted) CMYK → [pixels, 3] RGB.</summary>
    internal static byte[] InvertedCmykToRgb(ReadOnlySpan<byte> stored)
    {
        int pixels = stored.Length / 4;
        var rgb = new byte[pixels * 3];
        for (int i = 0; i < pixels; i++)
        {
            int nk = stored[4 * i + 3];          // 255 − k with k = 255 − stored
            for (int c = 0; c < 3; c++)
            {
                int ink = 255 - stored[4 * i + c];
                int t = ink * nk + 128;
                int v = nk - (((t >> 8) + t) >> 8);
                rgb[3 * i + c] = (byte)Math.Clamp(v, 0, 255);
            }
        }
        return rgb;
    }
}
