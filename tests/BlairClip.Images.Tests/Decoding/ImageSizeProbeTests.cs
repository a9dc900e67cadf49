using BlairClip.Images.Decoding;
using FluentAssertions;

namespace BlairClip.Images.Tests.Decoding;

public class ImageSizeProbeTests
{
    [Theory]
    [MemberData(nameof(ImageDecoderTests.GeneratedImages), MemberType = typeof(ImageDecoderTests))]
    public void Read_GeneratedFixture_GivesTheSizeItDecodesTo(string file)
    {
        var bytes = File.ReadAllBytes(Fixtures.Generated(file));
        var image = ImageDecoder.Decode(bytes, file);
        ImageSizeProbe.Read(bytes).Should().Be((image.Width, image.Height));
    }

    [Fact]
    public void Read_CutOrUnknownHeader_IsNull()
    {
        var jpeg = File.ReadAllBytes(Fixtures.Generated("rgb_420_q90.jpg"));
        ImageSizeProbe.Read(jpeg.AsSpan(0, 20)).Should().BeNull("the cut JPEG ends before its frame header");
        ImageSizeProbe.Read(File.ReadAllBytes(Fixtures.Generated("lossy.webp")).AsSpan(0, 20)).Should().BeNull();
        ImageSizeProbe.Read("GIF89a and more bytes to be long enough"u8).Should().BeNull();
    }

    [Fact]
    public void Read_PngHeader_ReadsDeclaredSizeWithoutDecoding()
    {
        var png = TestPng.Encode(1, 1, TestPng.Gray, 8, [[0]]);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 7000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 6500);
        ImageSizeProbe.Read(png).Should().Be((7000, 6500));
    }

    [Theory]
    [InlineData(7000, 6500, true)]       // 45,500,000: above half the limit
    [InlineData(6689, 6688, false)]      // 44,736,032: just under half (44,739,242)
    [InlineData(6689, 6689, true)]       // 44,742,721: just over
    [InlineData(9459, 9459, true)]       // 89,472,681: at most the limit, still decoded
    [InlineData(9460, 9460, false)]      // 89,491,600: above the limit, refused rather than large
    public void IsLarge_AboveHalfTheLimitUpToIt(int width, int height, bool large) =>
        ImageDecoder.IsLarge(width, height).Should().Be(large);
}
