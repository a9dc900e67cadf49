using BlairClip.Images.Preprocessing;
using FluentAssertions;

namespace BlairClip.Images.Tests.Preprocessing;

public class PillowBicubicTests
{
    public static TheoryData<string> ResizeCases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Fixtures.Manifest.GetProperty("resize").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(ResizeCases))]
    public void Resize_NoiseImage_EqualsPillowBicubicExactly(string name)
    {
        var c = Fixtures.Manifest.GetProperty("resize").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        int[] src = [.. c.GetProperty("src").EnumerateArray().Select(v => v.GetInt32())];
        int[] dst = [.. c.GetProperty("dst").EnumerateArray().Select(v => v.GetInt32())];
        var source = File.ReadAllBytes(Fixtures.Generated($"resize_{name}.src.rgb"));

        var resized = PillowBicubic.Resize(source, src[0], src[1], dst[0], dst[1]);

        resized.Should().Equal(File.ReadAllBytes(Fixtures.Generated($"resize_{name}.out.rgb")));
    }

    [Fact]
    public void ResizeWindow_AnyWindow_EqualsSameRegionOfFullResize()
    {
        var source = File.ReadAllBytes(Fixtures.Generated("resize_down_both.src.rgb"));   // 61 x 43
        var full = PillowBicubic.Resize(source, 61, 43, 30, 50);
        var window = new byte[7 * 11 * 3];

        PillowBicubic.ResizeWindow(source, 61, 43, 30, 50, left: 5, top: 13, width: 7, height: 11, window);

        for (int y = 0; y < 11; y++)
            window.AsSpan(y * 21, 21).ToArray().Should().Equal(full.AsSpan(((13 + y) * 30 + 5) * 3, 21).ToArray(), $"row {y}");
    }

    [Fact]
    public void WeightsFor_Downscale_WidenKernelAndSumToOneInFixedPoint()
    {
        var w = PillowBicubic.WeightsFor(540, 336);

        // scale = 540/336, support = 2·scale = 3.21 → kernel size 2·ceil(3.21) + 1 = 9.
        w.KernelSize.Should().Be(9);
        for (int i = 0; i < 336; i++)
        {
            int sum = w.Weights.AsSpan(i * 9, w.Count[i]).ToArray().Sum();
            sum.Should().BeInRange((1 << 22) - 9, (1 << 22) + 9, $"output {i}: normalised weights rounded one by one");
        }
    }
}
