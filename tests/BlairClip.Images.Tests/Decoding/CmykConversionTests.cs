using BlairClip.Images.Decoding;
using FluentAssertions;

namespace BlairClip.Images.Tests.Decoding;

public class CmykConversionTests
{
    [Fact]
    public void InvertedCmykToRgb_HandValues_FollowPillowFormula()
    {
        // Stored values are inverted (Adobe): stored 255 = no ink. Pixel 1: no ink → white. Pixel 2: full black
        // (k = 255) → black. Pixel 3: c = 255 − 155 = 100, m = 0, y = 255, k = 255 − 205 = 50, nk = 205:
        // R = 205 − round(100·205/255) = 205 − 80 = 125, G = 205, B = 205 − 205 = 0.
        byte[] stored = [255, 255, 255, 255, 255, 255, 255, 0, 155, 255, 0, 205];

        CmykConversion.InvertedCmykToRgb(stored).Should().Equal(255, 255, 255, 0, 0, 0, 125, 205, 0);
    }
}
