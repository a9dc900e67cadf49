using BlairClip.Images.Decoding;
using BlairClip.Images.Preprocessing;
using FluentAssertions;

namespace BlairClip.Images.Tests.Preprocessing;

public class ClipImageProcessorTests
{
    private static readonly ClipImageProcessor Legacy = ClipImageProcessor.FromFile(Fixtures.HfClip("preprocessor_config.legacy.json"));

    [Theory]
    [InlineData("synthetic_landscape_upscale")]
    [InlineData("synthetic_portrait_downscale")]
    [InlineData("synthetic_grayscale_landscape")]
    public void ResizeAndCrop_SyntheticCard_EqualsHuggingFaceCropExactly(string name)
    {
        var image = ImageDecoder.Decode(Fixtures.HfClip(name + ".png"));
        var expected = File.ReadAllBytes(Fixtures.HfClip($"preprocess.{name}.crop_rgb_u8.u8"));

        var crop = Legacy.ResizeAndCrop(image);

        crop.Should().Equal(expected);
    }

    [Theory]
    [InlineData(237, 151, 351, 224)]   // 224·237/151 = 351.58 → 351 (round() would give 352)
    [InlineData(229, 331, 224, 323)]   // 224·331/229 = 323.77 → 323
    [InlineData(316, 230, 307, 224)]   // 224·316/230 = 307.76 → 307
    [InlineData(360, 540, 224, 336)]   // the H&M photos
    [InlineData(224, 224, 224, 224)]
    public void ResizedSize_ShortestEdge_TruncatesLongSide(int width, int height, int expectedWidth, int expectedHeight) =>
        Legacy.ResizedSize(width, height).Should().Be((expectedWidth, expectedHeight));

    [Fact]
    public void Preprocess_UniformImage_IsRescaledThenNormalisedPerChannel()
    {
        var pixels = new byte[300 * 250 * 3];
        for (int i = 0; i < pixels.Length; i += 3) (pixels[i], pixels[i + 1], pixels[i + 2]) = (0, 128, 255);

        var values = Legacy.Preprocess(new RgbImage(300, 250, pixels));

        int plane = 224 * 224;
        values.Should().HaveCount(3 * plane);
        // A constant image stays constant through the resampler (weights sum to 1).
        values[..plane].Should().AllSatisfy(v => v.Should().Be((0f - 0.48145466f) / 0.26862954f));
        values[plane..(2 * plane)].Should().AllSatisfy(v => v.Should().Be(((float)(128 * (1.0 / 255)) - 0.4578275f) / 0.26130258f));
        values[(2 * plane)..].Should().AllSatisfy(v => v.Should().Be(((float)(255 * (1.0 / 255)) - 0.40821073f) / 0.27577711f));
    }

    [Fact]
    public void Preprocess_Crop_IsRecoverableAsReadmeStates()
    {
        var image = ImageDecoder.Decode(Fixtures.HfClip("synthetic_portrait_downscale.png"));
        var crop = File.ReadAllBytes(Fixtures.HfClip("preprocess.synthetic_portrait_downscale.crop_rgb_u8.u8"));
        float[] mean = [0.48145466f, 0.4578275f, 0.40821073f], std = [0.26862954f, 0.26130258f, 0.27577711f];

        var values = Legacy.Preprocess(image);

        for (int c = 0; c < 3; c++)
        for (int i = 0; i < 224 * 224; i++)
            ((int)Math.Round((values[c * 224 * 224 + i] * std[c] + mean[c]) * 255)).Should().Be(crop[3 * i + c]);
    }

    [Fact]
    public void FromFile_LegacyAndModernConfig_GiveIdenticalPixelValues()
    {
        var modern = ClipImageProcessor.FromFile(Fixtures.HfClip("preprocessor_config.modern.json"));
        var image = ImageDecoder.Decode(Fixtures.HfClip("synthetic_landscape_upscale.png"));

        modern.Options.Should().BeEquivalentTo(Legacy.Options);
        modern.Preprocess(image).Should().Equal(Legacy.Preprocess(image));
    }

    [Fact]
    public void PreprocessBatch_ThreeImages_EqualsOneByOne()
    {
        RgbImage[] images = [.. new[] { "synthetic_landscape_upscale", "synthetic_portrait_downscale", "synthetic_grayscale_landscape" }
            .Select(n => ImageDecoder.Decode(Fixtures.HfClip(n + ".png")))];

        var batch = Legacy.PreprocessBatch(images);

        batch.Should().HaveCount(3 * 3 * 224 * 224);
        for (int b = 0; b < 3; b++) batch.AsSpan(b * Legacy.ValuesPerImage, Legacy.ValuesPerImage).ToArray().Should().Equal(Legacy.Preprocess(images[b]));
    }

    [Fact]
    public void PreprocessBatch_WrongDestinationLength_ThrowsNamingShape()
    {
        var image = new RgbImage(224, 224, new byte[224 * 224 * 3]);

        var act = () => Legacy.PreprocessBatch([image], new float[10]);

        act.Should().Throw<ArgumentException>().WithMessage("*[1, 3, 224, 224]*but holds 10*");
    }

    [Theory]
    [InlineData("{\"resample\": 2}", "*resample*must be 3*was '2'*")]
    [InlineData("{\"size\": {\"height\": 224, \"width\": 224}}", "*size*shortest_edge*")]
    [InlineData("{\"crop_size\": 300}", "*crop_size.height*must be in 1..size.shortest_edge (224)*was 300*")]
    [InlineData("{\"image_std\": [1, 2]}", "*image_std*3 numbers*")]
    [InlineData("{\"do_center_crop\": false}", "*do_center_crop*must be true*")]
    [InlineData("{\"size\": 224,", "*")]
    public void FromFile_BadConfig_ThrowsNamingFileAndKey(string json, string message)
    {
        var path = Path.Combine(Path.GetTempPath(), $"blairclip-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            var act = () => ClipImageProcessor.FromFile(path);

            act.Should().Throw<InvalidDataException>().WithMessage(path + ": " + message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
