using BlairClip.Images.Decoding;
using BlairClip.Images.Preprocessing;
using FluentAssertions;

namespace BlairClip.Images.Tests.Preprocessing;

public class ClipImageProcessorFilesTests
{
    [Fact]
    public void PreprocessFiles_MissingAndCorruptFiles_AreReportedAndFilledBlack()
    {
        var processor = ClipImageProcessor.FromFile(Fixtures.HfClip("preprocessor_config.legacy.json"));
        var corrupt = Path.Combine(Path.GetTempPath(), $"blairclip-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(corrupt, [0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 1]);
        var good = Fixtures.HfClip("synthetic_portrait_downscale.png");
        var missing = Path.Combine(Path.GetTempPath(), "blairclip-missing.png");
        try
        {
            var values = new float[3 * processor.ValuesPerImage];

            var errors = processor.PreprocessFiles([good, missing, corrupt], values);

            errors[0].Should().BeNull();
            errors[1]!.ImageSource.Should().Be(missing);
            errors[2]!.ImageSource.Should().Be(corrupt);
            int n = processor.ValuesPerImage;
            values.AsSpan(0, n).ToArray().Should().Equal(processor.Preprocess(ImageDecoder.Decode(good)));
            var black = processor.Preprocess(new RgbImage(224, 224, new byte[224 * 224 * 3]));
            values.AsSpan(n, n).ToArray().Should().Equal(black);
            values.AsSpan(2 * n, n).ToArray().Should().Equal(black);
            black[0].Should().Be(-0.48145466f / 0.26862954f);
        }
        finally
        {
            File.Delete(corrupt);
        }
    }
}
