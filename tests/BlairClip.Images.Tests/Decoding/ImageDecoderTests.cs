using BlairClip.Images.Decoding;
using FluentAssertions;

namespace BlairClip.Images.Tests.Decoding;

public class ImageDecoderTests
{
    public static TheoryData<string> GeneratedImages()
    {
        var data = new TheoryData<string>();
        foreach (var image in Fixtures.Manifest.GetProperty("images").EnumerateArray()) data.Add(image.GetProperty("file").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(GeneratedImages))]
    public void Decode_GeneratedFixture_EqualsPillowConvertRgb(string file)
    {
        var entry = Fixtures.Manifest.GetProperty("images").EnumerateArray().Single(e => e.GetProperty("file").GetString() == file);
        var expected = File.ReadAllBytes(Fixtures.Generated(file + ".rgb"));

        var image = ImageDecoder.Decode(Fixtures.Generated(file));

        image.Width.Should().Be(entry.GetProperty("width").GetInt32());
        image.Height.Should().Be(entry.GetProperty("height").GetInt32());
        image.Pixels.Should().Equal(expected, $"{file} ({entry.GetProperty("mode").GetString()}) must decode as Pillow's convert(\"RGB\")");
    }

    [Fact]
    public void Decode_DecompressionBomb_IsRefusedBeforeDecoding()
    {
        // A tiny PNG whose header declares 20000 × 20000 pixels (1.2 GB of RGB): refused from the header alone.
        var png = TestPng.Encode(1, 1, TestPng.Gray, 8, [[0]]);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 20000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 20000);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        FluentActions.Invoking(() => ImageDecoder.Decode(png, "bomb.png")).Should().Throw<ImageDecodeException>()
            .WithMessage("*bomb.png*20000x20000 = 400,000,000 pixels is above the limit of 89,478,485*");
        (GC.GetTotalAllocatedBytes(precise: true) - before).Should().BeLessThan(1 << 20, "nothing image-sized was allocated");
        // At the limit it is only a size check: a 9459 × 9459 header (89,472,681 pixels) passes it and fails later as corrupt.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 9459);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 9459);
        FluentActions.Invoking(() => ImageDecoder.Decode(png, "big.png")).Should().Throw<ImageDecodeException>()
            .Which.Message.Should().NotContain("above the limit");
    }

    [Fact]
    public void Decode_GrayPng_ReplicatesGrayIntoRgb()
    {
        var png = TestPng.Encode(3, 1, TestPng.Gray, 8, [[0, 128, 255]]);

        var image = ImageDecoder.Decode(png, "gray.png");

        image.Pixels.Should().Equal(0, 0, 0, 128, 128, 128, 255, 255, 255);
    }

    [Fact]
    public void Decode_PalettePngWithTransparency_ExpandsPaletteAndDropsAlpha()
    {
        byte[] palette = [10, 20, 30, 200, 100, 50];
        byte[] alpha = [0, 128];   // entry 0 fully transparent: its colour must survive, not be composited
        var png = TestPng.Encode(3, 2, TestPng.Palette, 8, [[0, 1, 0], [1, 1, 0]], palette, alpha);

        var image = ImageDecoder.Decode(png, "palette.png");

        image.Should().BeEquivalentTo(new { Width = 3, Height = 2 }, o => o.ExcludingMissingMembers());
        image.Pixels.Should().Equal(10, 20, 30, 200, 100, 50, 10, 20, 30, 200, 100, 50, 200, 100, 50, 10, 20, 30);
    }

    [Fact]
    public void Decode_RgbaPng_DropsAlphaWithoutCompositing()
    {
        var png = TestPng.Encode(2, 1, TestPng.Rgba, 8, [[250, 100, 5, 0, 7, 8, 9, 64]]);

        var image = ImageDecoder.Decode(png, "rgba.png");

        image.Pixels.Should().Equal(250, 100, 5, 7, 8, 9);
    }

    [Fact]
    public void Decode_GrayAlphaPng_ReplicatesGrayAndDropsAlpha()
    {
        var png = TestPng.Encode(2, 1, TestPng.GrayAlpha, 8, [[90, 0, 180, 255]]);

        ImageDecoder.Decode(png, "la.png").Pixels.Should().Equal(90, 90, 90, 180, 180, 180);
    }

    [Fact]
    public void Decode_SixteenBitRgbPngWithoutGamma_KeepsBlackWhiteAndSrgbMidpoint()
    {
        // libpng treats 16-bit data without gAMA as linear and encodes it to sRGB for 8-bit output (documented
        // difference from Pillow, which truncates to the high byte): 0 and 65535 stay 0 and 255 either way.
        var png = TestPng.Encode(2, 1, TestPng.Rgb, 16, [[0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255]]);

        ImageDecoder.Decode(png, "rgb16.png").Pixels.Should().Equal(0, 0, 0, 255, 255, 255);
    }

    [Fact]
    public void Decode_JpegBytesInFileNamedPng_DetectsFormatByMagicBytes()
    {
        var path = Path.Combine(Path.GetTempPath(), $"blairclip-{Guid.NewGuid():N}.png");
        File.Copy(Fixtures.Generated("rgb_420_q90.jpg"), path);
        try
        {
            ImageDecoder.Decode(path).Pixels.Should().Equal(File.ReadAllBytes(Fixtures.Generated("rgb_420_q90.jpg.rgb")));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("rgb_420_q90.jpg")]
    [InlineData("palette.png")]
    [InlineData("lossy.webp")]
    [InlineData("lossless.webp")]
    public void Decode_TruncatedFile_ThrowsNamingTheSource(string file)
    {
        var bytes = File.ReadAllBytes(Fixtures.Generated(file));
        var truncated = bytes[..(bytes.Length * 2 / 3)];

        var act = () => ImageDecoder.Decode(truncated, "catalog/truncated-" + file);

        act.Should().Throw<ImageDecodeException>().WithMessage("catalog/truncated-" + file + ": *")
            .Which.ImageSource.Should().Be("catalog/truncated-" + file);
    }

    [Theory]
    [InlineData("rgb_444_q95.jpg")]
    [InlineData("rgba.png")]
    [InlineData("lossless.webp")]
    public void Decode_CorruptHeader_ThrowsImageDecodeException(string file)
    {
        var bytes = File.ReadAllBytes(Fixtures.Generated(file));
        // Keep the signature (so the format is detected) and overwrite everything after it with garbage.
        for (int i = 16; i < bytes.Length; i++) bytes[i] = (byte)(i * 31);
        if (file.EndsWith(".png")) for (int i = 8; i < 16; i++) bytes[i] = 0xEE;
        if (file.EndsWith(".jpg")) for (int i = 3; i < 16; i++) bytes[i] = 0x00;

        var act = () => ImageDecoder.Decode(bytes, "bad/" + file);

        act.Should().Throw<ImageDecodeException>().WithMessage("bad/" + file + ": *");
    }

    [Fact]
    public void Decode_PngHeaderClaimingHugeSize_ThrowsInsteadOfAllocating()
    {
        var png = TestPng.Encode(60000, 60000, TestPng.Rgb, 8, [new byte[3]]);   // 10.8 GB of RGB declared

        var act = () => ImageDecoder.Decode(png, "huge.png");

        act.Should().Throw<ImageDecodeException>().WithMessage("huge.png: *60000x60000*");
    }

    [Fact]
    public void Decode_UnknownFormat_ThrowsNamingFirstBytes()
    {
        var act = () => ImageDecoder.Decode("GIF89a..."u8, "x.gif");

        act.Should().Throw<ImageDecodeException>().WithMessage("x.gif: not a JPEG, PNG or WebP file (first bytes 4749463839612E2E*");
    }

    [Fact]
    public void Decode_MissingFile_ThrowsNamingThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), "blairclip-no-such-image.jpg");

        var act = () => ImageDecoder.Decode(path);

        act.Should().Throw<ImageDecodeException>().WithMessage(path + ": cannot read the file*");
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, ImageFormat.Jpeg)]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, ImageFormat.Png)]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50 }, ImageFormat.WebP)]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x41, 0x56, 0x45 }, ImageFormat.Unknown)]
    [InlineData(new byte[] { 0xFF, 0xD8 }, ImageFormat.Unknown)]
    public void Detect_Signature_ReturnsFormat(byte[] header, ImageFormat expected) =>
        ImageFormatDetector.Detect(header).Should().Be(expected);
}
