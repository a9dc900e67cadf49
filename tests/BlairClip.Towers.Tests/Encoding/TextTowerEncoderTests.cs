using BlairClip.ML.Core;
using BlairClip.ML.Models;
using BlairClip.Towers.Encoding;
using FluentAssertions;

namespace BlairClip.Towers.Tests.Encoding;

public sealed class TextTowerEncoderTests : IDisposable
{
    private readonly EncodingSandbox _box = new();
    private readonly CountingTextTower _tower = new();

    public void Dispose() => _box.Dispose();

    private TextTowerEncoder Encoder(string dtype = "float32", bool cache = true, int batchSize = 2) =>
        new(new BlairClipContext(), new TextTowerEncoderOptions
        {
            Checkpoint = _box.Checkpoint, CacheDir = _box.CacheDir, Dtype = TowerPrecisionNames.Parse(dtype)!.Value, Cache = cache, BatchSize = batchSize,
        }, (_, _) => _tower);

    private static readonly string[] Texts = ["red lipstick", "a matte foundation", "banana shampoo"];

    [Fact]
    public void Fit_ThreeTexts_RowsEqualTowerEncodeTexts()
    {
        var fitted = Encoder().Fit(EncodingSandbox.Catalog(Texts));

        fitted.Dimension.Should().Be(4);
        fitted.Embeddings.ToArray().Should().Equal(new CountingTextTower().EncodeTexts(Texts));
        fitted.EncodedCount.Should().Be(3);
        _tower.BatchSizes.Should().Equal(2, 1);
    }

    [Fact]
    public void Transform_Catalog_AddsDenseColumnOfUnitRows()
    {
        var data = EncodingSandbox.Catalog(Texts);
        var output = Encoder().Fit(data).Transform(data);

        var column = TestColumns.DenseValues(output.ItemTable, "text_embedding");
        column.Dimension.Should().Be(4);
        for (int i = 0; i < Texts.Length; i++)
        {
            column.Row(i).ToArray().Should().Equal(CountingTextTower.Embed(Texts[i]));
            System.Numerics.Tensors.TensorPrimitives.Norm(column.Row(i)).Should().BeApproximately(1f, 1e-6f);
        }
    }

    [Fact]
    public void Fit_SecondTime_EncodesNothingAndLoadsNoTower()
    {
        var data = EncodingSandbox.Catalog(Texts);
        var first = Encoder().Fit(data);
        int loads = 0;
        var second = new TextTowerEncoder(new BlairClipContext(), new TextTowerEncoderOptions { Checkpoint = _box.Checkpoint, CacheDir = _box.CacheDir },
            (_, _) => { loads++; return _tower; }).Fit(data);

        second.EncodedCount.Should().Be(0);
        second.CachedCount.Should().Be(3);
        loads.Should().Be(0);
        second.Embeddings.ToArray().Should().Equal(first.Embeddings.ToArray());
    }

    [Fact]
    public void Fit_OneTextChanged_EncodesOnlyThatText()
    {
        Encoder().Fit(EncodingSandbox.Catalog(Texts));
        var changed = Encoder().Fit(EncodingSandbox.Catalog(["red lipstick", "a glossy foundation", "banana shampoo"]));

        changed.EncodedCount.Should().Be(1);
        changed.CachedCount.Should().Be(2);
        _tower.Encoded.Should().Be(3 + 1);
        changed.Embeddings.Slice(4, 4).ToArray().Should().Equal(CountingTextTower.Embed("a glossy foundation"));
    }

    [Fact]
    public void Fit_OtherDType_MissesTheCache()
    {
        Encoder("float32").Fit(EncodingSandbox.Catalog(Texts));
        Encoder("bf16").Fit(EncodingSandbox.Catalog(Texts)).EncodedCount.Should().Be(3);
        Encoder("float32").Fit(EncodingSandbox.Catalog(Texts)).EncodedCount.Should().Be(0);
        Directory.GetFiles(_box.CacheDir, "*.safetensors").Should().HaveCount(2, "one cache file per key");
    }

    [Fact]
    public void Fit_WeightsChanged_MissesTheCache()
    {
        Encoder().Fit(EncodingSandbox.Catalog(Texts));
        File.WriteAllBytes(Path.Combine(_box.Checkpoint, "model.safetensors"), [9, 9, 9]);
        Encoder().Fit(EncodingSandbox.Catalog(Texts)).EncodedCount.Should().Be(3);
    }

    [Fact]
    public void Fit_CacheOff_EncodesEveryTimeAndWritesNoFile()
    {
        Encoder(cache: false).Fit(EncodingSandbox.Catalog(Texts));
        Encoder(cache: false).Fit(EncodingSandbox.Catalog(Texts)).EncodedCount.Should().Be(3);
        Directory.Exists(_box.CacheDir).Should().BeFalse();
    }

    [Fact]
    public void Fit_RepeatedText_EncodedOnceSharedByBothItems()
    {
        var fitted = Encoder().Fit(EncodingSandbox.Catalog(["same", "other", "same"]));

        fitted.EncodedCount.Should().Be(2);
        fitted.Embeddings.Slice(8, 4).ToArray().Should().Equal(fitted.Embeddings.Slice(0, 4).ToArray());
    }

    [Fact]
    public void SaveLoad_CheckpointFolderGone_SameEmbeddingsAndReference()
    {
        var data = EncodingSandbox.Catalog(Texts);
        var fitted = Encoder().Fit(data);
        var save = new EntryWriter();
        fitted.SaveEntry(save);
        Directory.Move(_box.Checkpoint, _box.Checkpoint + "-moved");

        using var tensors = ML.IO.SafeTensorsFile.Parse(save.Tensors.ToArray(), "memory");
        var loaded = TowerEmbeddings.LoadEntry(new EntryReader("entry", 1, save.Properties, tensors));

        loaded.Embeddings.ToArray().Should().Equal(fitted.Embeddings.ToArray());
        loaded.ItemIds.Should().Equal("i0", "i1", "i2");
        loaded.Checkpoint.Should().Be(fitted.Checkpoint);
        loaded.Checkpoint.Sha256.Should().HaveLength(64);
        TestColumns.DenseValues(loaded.Transform(data).ItemTable, "text_embedding").ToArray()
            .Should().Equal(fitted.Embeddings.ToArray());
    }

    [Fact]
    public void Transform_ItemNotEncodedAtFit_ThrowsNamingIt()
    {
        var fitted = Encoder().Fit(EncodingSandbox.Catalog(["a", "b"]));
        FluentActions.Invoking(() => fitted.Transform(EncodingSandbox.Catalog(["a", "b", "c"])))
            .Should().Throw<InvalidOperationException>().WithMessage("*item 'i2'*refit*");
    }

    [Theory]
    [InlineData("batch_size", "`batch_size` must be positive, but was 0")]
    [InlineData("device", "`device` must be cpu, cuda or cuda:N, but was 'gpu'")]
    [InlineData("dtype", "`dtype` must be float32 or bf16, but was 5")]
    [InlineData("checkpoint", "`checkpoint` must name a Hugging Face checkpoint folder, but was ''")]
    public void Constructor_OptionOutOfRange_ThrowsNamingIt(string option, string message)
    {
        var options = new TextTowerEncoderOptions { Checkpoint = "x" };
        options = option switch
        {
            "batch_size" => options with { BatchSize = 0 },
            "device" => options with { Device = "gpu" },
            "dtype" => options with { Dtype = (TowerPrecision)5 },
            _ => options with { Checkpoint = "" },
        };
        FluentActions.Invoking(() => new BlairClipContext().Transforms.TextTower(options))
            .Should().Throw<InvalidOptionException>().Which.Message.Should().Be(message);
    }

    [Fact]
    public void Fit_RelativeCheckpoint_ResolvedAgainstContextFolder()
    {
        var context = new BlairClipContext(baseDirectory: _box.Root);
        var fitted = new TextTowerEncoder(context, new TextTowerEncoderOptions { Checkpoint = "ckpt", CacheDir = "cache" }, (_, _) => _tower)
            .Fit(EncodingSandbox.Catalog(Texts));

        fitted.Checkpoint.Path.Should().Be(_box.Checkpoint);
        Directory.GetFiles(_box.CacheDir).Should().ContainSingle();
    }

    [Fact]
    public void Fit_MissingCheckpointFolder_ThrowsNamingIt()
    {
        var encoder = new TextTowerEncoder(new BlairClipContext(baseDirectory: _box.Root), new TextTowerEncoderOptions { Checkpoint = "nope" }, (_, _) => _tower);
        FluentActions.Invoking(() => encoder.Fit(EncodingSandbox.Catalog(Texts)))
            .Should().Throw<DirectoryNotFoundException>().WithMessage($"*'nope'*{Path.Combine(_box.Root, "nope")}*");
    }

    [Fact]
    public void Fit_CheckpointWithoutWeights_ThrowsListingExpectedFiles()
    {
        File.Delete(Path.Combine(_box.Checkpoint, "model.safetensors"));
        FluentActions.Invoking(() => Encoder().Fit(EncodingSandbox.Catalog(Texts)))
            .Should().Throw<FileNotFoundException>().WithMessage("*no weights*model.safetensors*pytorch_model.bin*");
    }

    [Fact]
    public void GetOutputSchema_NoTextColumn_Throws()
    {
        var schema = BlairClip.ML.DataViews.SchemaShapes.Of(BlairClip.ML.DataViews.ColumnarDataView.Create(0).AddText(RecDataset.ItemIdColumn, []).Schema);
        FluentActions.Invoking(() => Encoder().GetOutputSchema(schema)).Should().Throw<SchemaMismatchException>().WithMessage("*'Text'*");
    }

    [Fact]
    public void Fit_ThreeMisses_ReportsOneStageOfThreeSteps()
    {
        var progress = new RecordingProgress();
        new TextTowerEncoder(new BlairClipContext(progress: progress), new TextTowerEncoderOptions { Checkpoint = _box.Checkpoint, CacheDir = _box.CacheDir, BatchSize = 2 },
            (_, _) => _tower).Fit(EncodingSandbox.Catalog(Texts));

        progress.Stages.Should().Equal(("encode texts (ckpt)", 3L));
        progress.Advanced.Should().Be(3);
    }

    [Fact]
    public void Fit_CacheFileOfAnotherLayout_ThrowsNamingIt()
    {
        Encoder().Fit(EncodingSandbox.Catalog(Texts));
        var file = Directory.GetFiles(_box.CacheDir).Single();
        new ML.IO.SafeTensorsWriter().Add<float>("embeddings", [1f], 1, 1).Save(file);

        FluentActions.Invoking(() => Encoder().Fit(EncodingSandbox.Catalog(Texts)))
            .Should().Throw<InvalidDataException>().WithMessage($"{file}: not an embedding cache*delete it.");
    }

    private sealed class RecordingProgress : IProgressReporter, IProgressTask
    {
        public List<(string, long)> Stages { get; } = new();
        public long Advanced { get; private set; }
        public IProgressTask Start(string stage, long total) { Stages.Add((stage, total)); return this; }
        public void Advance(long steps = 1) => Advanced += steps;
        public void Dispose() { }
    }
}
