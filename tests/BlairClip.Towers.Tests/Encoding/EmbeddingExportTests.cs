using BlairClip.ML.IO;
using BlairClip.Towers.Encoding;
using FluentAssertions;

namespace BlairClip.Towers.Tests.Encoding;

public sealed class EmbeddingExportTests : IDisposable
{
    private readonly EncodingSandbox _box = new();

    public void Dispose() => _box.Dispose();

    private string Input(string name, params string[] lines)
    {
        var path = Path.Combine(_box.Root, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void EncodeTexts_ThreeLines_WritesTowerRowsAndMetadata()
    {
        string[] texts = ["red lipstick", "", "banana shampoo"];
        var output = Path.Combine(_box.Root, "out", "texts.safetensors");

        var result = EmbeddingExport.EncodeTexts(_box.Checkpoint, Input("texts.txt", texts), output, new TowerOptions { BatchSize = 2 }, null, (_, _) => new CountingTextTower());

        using var file = SafeTensorsFile.Load(output);
        file.Info("embeddings").Shape.Should().Equal(3, 4);
        file.Get<float>("embeddings").Should().Equal(new CountingTextTower().EncodeTexts(texts));
        file.Metadata["tower"].Should().Be("text");
        file.Metadata["checkpoint_sha256"].Should().Be(CheckpointFingerprint.WeightsSha256(_box.Checkpoint)).And.Be(result.Checkpoint.Sha256);
        file.Metadata["dtype"].Should().Be("float32");
        result.Rows.Should().Be(3);
    }

    [Fact]
    public void EncodeImages_RelativePaths_WritesTowerRows()
    {
        var tower = new CountingImageTower();
        File.Copy(EncodingSandbox.Fixture("synthetic_landscape_upscale.png"), Path.Combine(_box.Root, "a.png"));
        var output = Path.Combine(_box.Root, "images.safetensors");

        EmbeddingExport.EncodeImages(_box.Checkpoint, Input("images.txt", "a.png", EncodingSandbox.Fixture("synthetic_portrait_downscale.png")),
            output, new TowerOptions { BatchSize = 32 }, null, (_, _) => tower);

        using var file = SafeTensorsFile.Load(output);
        var expected = new CountingImageTower();
        var pixels = new[] { "synthetic_landscape_upscale.png", "synthetic_portrait_downscale.png" }
            .SelectMany(n => expected.Processor.Preprocess(BlairClip.Images.Decoding.ImageDecoder.Decode(EncodingSandbox.Fixture(n)))).ToArray();
        file.Info("embeddings").Shape.Should().Equal(2, 4);
        file.Get<float>("embeddings").Should().Equal(expected.EncodeImages(pixels, 2));
        file.Metadata["tower"].Should().Be("image");
    }

    [Fact]
    public void EncodeImages_UnreadableImage_ThrowsNamingLineAndWritesNothing()
    {
        var input = Input("images.txt", EncodingSandbox.Fixture("synthetic_landscape_upscale.png"), "missing.png");
        var output = Path.Combine(_box.Root, "images.safetensors");

        FluentActions.Invoking(() => EmbeddingExport.EncodeImages(_box.Checkpoint, input, output, new TowerOptions { BatchSize = 32 }, null, (_, _) => new CountingImageTower()))
            .Should().Throw<InvalidDataException>().WithMessage($"{input} line 2: cannot use image 'missing.png'*");
        File.Exists(output).Should().BeFalse();
    }

    [Fact]
    public void EncodeImages_EmptyLine_ThrowsNamingLine()
    {
        var input = Input("images.txt", "a.png", "  ");
        FluentActions.Invoking(() => EmbeddingExport.EncodeImages(_box.Checkpoint, input, Path.Combine(_box.Root, "o.safetensors"), new TowerOptions { BatchSize = 32 }, null, (_, _) => new CountingImageTower()))
            .Should().Throw<InvalidDataException>().WithMessage($"{input} line 2: empty line*");
    }

    [Fact]
    public void EncodeTexts_EmptyFile_Throws()
    {
        var input = Input("texts.txt");
        FluentActions.Invoking(() => EmbeddingExport.EncodeTexts(_box.Checkpoint, input, Path.Combine(_box.Root, "o.safetensors"), new TowerOptions { BatchSize = 32 }, null, (_, _) => new CountingTextTower()))
            .Should().Throw<InvalidDataException>().WithMessage($"{input}: no lines*");
    }

    [Fact]
    public void EncodeTexts_CheckpointWithoutWeights_ThrowsListingExpectedFiles()
    {
        File.Delete(Path.Combine(_box.Checkpoint, "model.safetensors"));
        FluentActions.Invoking(() => EmbeddingExport.EncodeTexts(_box.Checkpoint, Input("t.txt", "x"), Path.Combine(_box.Root, "o.safetensors"), new TowerOptions { BatchSize = 32 }, null, (_, _) => new CountingTextTower()))
            .Should().Throw<FileNotFoundException>().WithMessage($"*{_box.Checkpoint}*no weights*model.safetensors*");
    }
}
