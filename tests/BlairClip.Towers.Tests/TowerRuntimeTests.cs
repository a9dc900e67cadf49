using BlairClip.Towers.Loading;
using BlairClip.Towers.Training;

namespace BlairClip.Towers.Tests;

public sealed class TowerRuntimeTests
{
    [Fact]
    public void EncodeTexts_BatchSize2_RunsForwardOnBatchesOf2And1AndFillsEveryRow()
    {
        using var tower = PretrainedTowers.LoadTextTower(Fixtures.TinyRoberta);
        var runtime = TowerRuntime.From(new TowerOptions { BatchSize = 2 });
        var rows = new List<long>();
        string[] texts = ["a", "bb", "ccc", "dddd", "eeeee"];

        var result = runtime.EncodeTexts(texts, tower.Tokenizer, 3, (ids, mask) =>
        {
            rows.Add(ids.size(0));
            return torch.ones(ids.size(0), 3) * (rows.Count * 1.0f);
        });

        rows.Should().Equal(2, 2, 1);
        var third = 1 / Math.Sqrt(3);
        result.Select(v => Math.Round(v, 6)).Should().OnlyContain(v => v == Math.Round(third, 6), "each row is L2-normalised");
    }

    [Fact]
    public void LoadTextTower_AnyBatchSize_GivesTheSameEmbeddings()
    {
        string[] texts = ["red lipstick", "", "banana shampoo for dry hair", "x"];
        using var one = PretrainedTowers.LoadTextTower(Fixtures.TinyRoberta, new TowerOptions { BatchSize = 1 });
        using var all = PretrainedTowers.LoadTextTower(Fixtures.TinyRoberta, new TowerOptions { BatchSize = 64 });
        Close.Check(one.EncodeTexts(texts), all.EncodeTexts(texts), 1e-6, "batch 1 vs batch 64");
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:1")]
    public void From_CudaOnACpuBuild_SaysHowToGetACudaBuild(string device)
    {
        TowerRuntime.Backend.Should().Be("cpu", "tests build with the default TorchBackend");
        FluentActions.Invoking(() => TowerRuntime.From(new TowerOptions { Device = device }))
            .Should().Throw<NotSupportedException>().WithMessage($"*'{device}'*CPU libtorch*-p:TorchBackend=cuda*");
        FluentActions.Invoking(() => BlairClip.Towers.Encoding.EncoderSettings.Validate(new BlairClip.Towers.Encoding.TextTowerEncoderOptions { Checkpoint = "c", Device = device }, "text", "emb"))
            .Should().Throw<BlairClip.ML.Core.InvalidOptionException>().WithMessage($"`device` needs a CUDA build*but was*{device}*");
    }

    [Theory]
    [InlineData("tpu", "Device")]
    [InlineData("cpu", "DType")]
    public void From_BadOption_NamesIt(string device, string option)
    {
        var options = option == "DType" ? new TowerOptions { DType = (TowerPrecision)8 } : new TowerOptions { Device = device };
        FluentActions.Invoking(() => TowerRuntime.From(options)).Should().Throw<ArgumentException>().WithMessage($"TowerOptions.{option} must be*");
        FluentActions.Invoking(() => TowerRuntime.From(new TowerOptions { BatchSize = 0 }))
            .Should().Throw<ArgumentException>().WithMessage("TowerOptions.BatchSize must be positive, but was 0.*");
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Int64)]
    [InlineData(ScalarType.Int32)]
    [InlineData(ScalarType.Int8)]
    [InlineData(ScalarType.Byte)]
    [InlineData(ScalarType.Bool)]
    public void CheckpointTensors_SaveThenLoad_RoundTripsEachDtype(ScalarType dtype)
    {
        var path = Path.Combine(Path.GetTempPath(), $"roundtrip-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var scope = torch.NewDisposeScope();
            var original = (torch.arange(0, 12, ScalarType.Float32).reshape(3, 4) * 0.5 - 2).to(dtype);
            var scalar = torch.tensor(7.0).to(dtype);
            CheckpointTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = original, ["s"] = scalar }, new Dictionary<string, string> { ["k"] = "v" });

            var loaded = CheckpointTensors.Load(path);
            try
            {
                loaded.Keys.Should().Equal("w", "s");
                loaded["w"].dtype.Should().Be(dtype);
                loaded["w"].shape.Should().Equal(3, 4);
                loaded["s"].shape.Should().BeEmpty();
                loaded["w"].eq(original).all().item<bool>().Should().BeTrue();
                loaded["s"].eq(scalar).all().item<bool>().Should().BeTrue();
            }
            finally { foreach (var t in loaded.Values) t.Dispose(); }
        }
        finally { File.Delete(path); }
    }

    /// <summary>The code of README's "Tensors" section, as printed there.</summary>
    [Fact]
    public void ReadmeTensorsExample_Runs()
    {
        var dir = Directory.CreateTempSubdirectory("readme-").FullName;
        File.Copy(Path.Combine(Fixtures.TinyRoberta, "model.safetensors"), Path.Combine(dir, "model.safetensors"));
        try
        {
            using var scope = torch.NewDisposeScope();                 // frees every tensor made inside, except those moved out
            var lin = nn.Linear(16, 4);
            var opt = torch.optim.AdamW(ParameterGroups.NoDecayOnBiasAndNorm(lin, weight_decay: 0.01), lr: 1e-3);
            var schedule = WarmupSchedules.Cosine(opt, num_warmup_steps: 100, num_training_steps: 1000);  // TorchSharp's LambdaLR
            using (new Autocast(DeviceType.CUDA, ScalarType.BFloat16))  // libtorch's own autocast (matmul, linear, conv in bf16)
            {
                var loss = nn.functional.cross_entropy(lin.call(torch.randn(8, 16)), torch.randint(0, 4, [8]));
                loss.backward();
            }
            opt.step(); schedule.step();
            var weights = CheckpointTensors.Load(dir); // model.safetensors | pytorch_model.bin | sharded index

            weights.Should().ContainKey("embeddings.word_embeddings.weight");
            lin.weight!.grad.Should().NotBeNull();
            opt.ParamGroups.First().LearningRate.Should().BeApproximately(1e-3 / 100, 1e-12, "one warm-up step of 100");
            foreach (var t in weights.Values) t.Dispose();
        }
        finally { Directory.Delete(dir, true); }
    }
}
