using BlairClip.ML.Core;
using BlairClip.Towers.Encoding;
using FluentAssertions;

namespace BlairClip.Towers.Tests.Encoding;

public sealed class ImageTowerEncoderTests : IDisposable
{
    private readonly EncodingSandbox _box = new();
    private readonly CountingImageTower _tower = new();

    public void Dispose() => _box.Dispose();

    private (ImageTowerEncoder Encoder, BlairClipContext Context) Encoder(string missingImage) {
        var context = new BlairClipContext();
        return (new ImageTowerEncoder(context, new ImageTowerEncoderOptions
        {
            Checkpoint = _box.Checkpoint, CacheDir = _box.CacheDir, MissingImage = missingImage == "black" ? MissingImagePolicy.Black : MissingImagePolicy.Skip, BatchSize = 2,
        }, (_, _) => _tower), context);
    }

    /// <summary>Items: a good PNG, no path, a path to no file, a corrupt file, another good PNG.</summary>
    private RecDataset Catalog()
    {
        var corrupt = Path.Combine(_box.Root, "corrupt.png");
        File.WriteAllBytes(corrupt, [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        return EncodingSandbox.Catalog(["a", "b", "c", "d", "e"], [
            EncodingSandbox.Fixture("synthetic_landscape_upscale.png"), "", Path.Combine(_box.Root, "absent.png"), corrupt,
            EncodingSandbox.Fixture("synthetic_portrait_downscale.png")]);
    }

    /// <summary>The fake tower's embedding of the all-black image (the processor's normalised zero crop).</summary>
    private float[] BlackEmbedding()
    {
        var pixels = new float[_tower.Processor.ValuesPerImage];
        _tower.Processor.Normalize(new byte[pixels.Length], pixels);
        return new CountingImageTower().EncodeImages(pixels, 1);
    }

    private float[] FileEmbedding(string name) =>
        new CountingImageTower().EncodeImages(_tower.Processor.Preprocess(BlairClip.Images.Decoding.ImageDecoder.Decode(EncodingSandbox.Fixture(name))), 1);

    [Fact]
    public void Fit_BlackPolicy_MissingAndUnreadableGetBlackImageEmbedding()
    {
        var (encoder, context) = Encoder("black");
        var fitted = encoder.Fit(Catalog());

        var rows = fitted.Embeddings.ToArray().Chunk(4).ToArray();
        rows[0].Should().Equal(FileEmbedding("synthetic_landscape_upscale.png"));
        rows[4].Should().Equal(FileEmbedding("synthetic_portrait_downscale.png"));
        foreach (int i in new[] { 1, 2, 3 }) rows[i].Should().Equal(BlackEmbedding(), $"item {i} has no readable image");
        fitted.Missing.ToArray().Should().Equal(0, 1, 1, 1, 0);
        fitted.MissingImageCount.Should().Be(2);
        fitted.UnreadableImageCount.Should().Be(1);
        context.Report.Get("image_embedding_missing_images").Should().Be(2);
        context.Report.Get("image_embedding_unreadable_images").Should().Be(1);
    }

    [Fact]
    public void Fit_SkipPolicy_MissingAndUnreadableGetZeroRowsFlaggedAbsent()
    {
        var (encoder, context) = Encoder("skip");
        var data = Catalog();
        var output = encoder.Fit(data).Transform(data);

        var column = TestColumns.DenseValues(output.ItemTable, "image_embedding");
        foreach (int i in new[] { 1, 2, 3 }) column.Row(i).ToArray().Should().OnlyContain(v => v == 0f);
        column.Row(0).ToArray().Should().Equal(FileEmbedding("synthetic_landscape_upscale.png"));
        TestColumns.Int32Values(output.ItemTable, "image_embedding_present").ToArray().Should().Equal(1, 0, 0, 0, 1);
        context.Report.Get("image_embedding_missing_images").Should().Be(2);
        context.Report.Get("image_embedding_unreadable_images").Should().Be(1);
    }

    [Fact]
    public void Fit_SkipPolicy_EncodesOnlyFilesPresent()
    {
        var (encoder, _) = Encoder("skip");
        encoder.Fit(Catalog()).EncodedCount.Should().Be(3, "two good files and the corrupt one (encoded as black, then dropped)");
    }

    [Fact]
    public void Fit_SecondTime_EncodesNothingAndStillCountsFailures()
    {
        Encoder("black").Encoder.Fit(Catalog());
        var (encoder, context) = Encoder("black");
        var second = encoder.Fit(Catalog());

        second.EncodedCount.Should().Be(0);
        second.UnreadableImageCount.Should().Be(1);
        context.Report.Get("image_embedding_missing_images").Should().Be(2);
        second.Missing.ToArray().Should().Equal(0, 1, 1, 1, 0);
    }

    [Fact]
    public void Fit_SameImageTwice_EncodedOnce()
    {
        var png = EncodingSandbox.Fixture("synthetic_grayscale_landscape.png");
        var copy = Path.Combine(_box.Root, "copy.png");
        File.Copy(png, copy);
        var fitted = Encoder("black").Encoder.Fit(EncodingSandbox.Catalog(["a", "b"], [png, copy]));

        fitted.EncodedCount.Should().Be(1, "the cache and the batch are keyed by the file's bytes, not its path");
        fitted.Embeddings.Slice(4, 4).ToArray().Should().Equal(fitted.Embeddings.Slice(0, 4).ToArray());
    }

    /// <summary>A PNG of one grey: tens of KB however many pixels, but decoded in full.</summary>
    private string GreyPng(string name, int width, int height)
    {
        var row = new byte[width];
        Array.Fill(row, (byte)128);
        var path = Path.Combine(_box.Root, name);
        File.WriteAllBytes(path, BlairClip.Images.Tests.TestPng.Encode(width, height, BlairClip.Images.Tests.TestPng.Gray, 8,
            Enumerable.Repeat(row, height).ToArray()));
        return path;
    }

    [Fact]
    public void Fit_ImageAboveHalfThePixelLimit_IsEncodedCountedAndNamedOnceInAWarning()
    {
        // 7000 × 6500 = 45,500,000 pixels is above 44,739,242 (half the limit); 6689 × 6688 = 44,736,032 is not.
        var large = GreyPng("large.png", 7000, 6500);
        var under = GreyPng("under.png", 6689, 6688);
        var items = EncodingSandbox.Catalog(["a", "b", "c", "d"], [large, under, large, EncodingSandbox.Fixture("synthetic_landscape_upscale.png")]);
        foreach (var run in new[] { "encoded", "cached" })
        {
            var warnings = new StringWriter();
            var context = new BlairClipContext { Warnings = warnings };
            var fitted = new ImageTowerEncoder(context, new ImageTowerEncoderOptions { Checkpoint = _box.Checkpoint, CacheDir = _box.CacheDir, BatchSize = 2 },
                (_, _) => _tower).Fit(items);

            fitted.EncodedCount.Should().Be(run == "encoded" ? 3 : 0);
            fitted.UnreadableImageCount.Should().Be(0, $"a large image is decoded ({run})");
            fitted.Missing.ToArray().Should().Equal(0, 0, 0, 0);
            fitted.LargeImageCount.Should().Be(2, $"two items use the large file ({run})");
            context.Report.Get("image_embedding_large_images").Should().Be(2);
            warnings.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle($"the file is named once ({run})")
                .Which.Should().Match($"warning: {large}: image of 7000x6500 = 45,500,000 pixels is above 44,739,242, half the decoder's limit of 89,478,485; it is encoded*image_embedding_large_images*");
        }
    }

    [Fact]
    public void Constructor_UnknownMissingImagePolicy_ThrowsNamingIt()
    {
        FluentActions.Invoking(() => new BlairClipContext().Transforms.ImageTower(new ImageTowerEncoderOptions { Checkpoint = "x", MissingImage = (MissingImagePolicy)7 }))
            .Should().Throw<InvalidOptionException>().Which.Message.Should().Be("`missing_image` must be black or skip, but was 7");
    }
}
