using System.Security.Cryptography;
using System.Text.Json;
using BlairClip.ML.IO;
using FluentAssertions;

namespace BlairClip.ML.Tests.IO;

public class CheckpointTests
{
    [Theory]
    [InlineData("tiny-bert-pytorch-bin/pytorch_model.bin", 90)]
    [InlineData("tiny-bert-safetensors/model.safetensors", 26)]
    [InlineData("tiny-gpt2-safetensors/model.safetensors", 16)]
    [InlineData("tiny-roberta/model.safetensors", 39)]
    [InlineData("tiny-roberta/pytorch_model.bin", 39)]
    [InlineData("tiny-vit-pytorch-bin/pytorch_model.bin", 24)]
    public void Open_RealFixture_MatchesIndependentReader(string relative, int count)
    {
        var expected = CheckpointFixtures.ExpectedTensors(relative);
        using var c = Checkpoint.Open(CheckpointFixtures.Path_(relative));
        expected.Should().HaveCount(count);
        c.Tensors.Select(t => t.Name).Should().Equal(expected.Select(e => e.Name));
        foreach (var e in expected)
        {
            var info = c.Info(e.Name);
            info.DType.ToString().Should().Be(e.DType, e.Name);
            info.Shape.Should().Equal(e.Shape, e.Name);
            Convert.ToHexStringLower(SHA256.HashData(c.GetBytes(e.Name))).Should().Be(e.Sha256, e.Name);
            var values = c.GetSingle(e.Name);
            values.Take(4).Select(v => (double)v).Should().Equal(e.First, e.Name);
            values.Sum(v => (double)v).Should().BeApproximately(e.Sum, 1e-9 * values.Length + 1e-12 * Math.Abs(e.Sum), e.Name);
        }
    }

    [Fact]
    public void Open_KnownTensors_HaveDocumentedShapes()
    {
        using var bert = Checkpoint.Open(CheckpointFixtures.Path_("tiny-bert-pytorch-bin"));
        bert.Info("bert.embeddings.position_ids").Should().Match<CheckpointTensorInfo>(i => i.DType == SafeTensorDType.I64);
        bert.GetSingle("bert.embeddings.position_ids").Should().Equal(Enumerable.Range(0, 512).Select(i => (float)i));
        bert.Info("classifier.weight").Shape.Should().Equal(2, 32);
        using var vit = Checkpoint.Open(CheckpointFixtures.Path_("tiny-vit-pytorch-bin"));
        vit.Info("vit.embeddings.patch_embeddings.projection.weight").Shape.Should().Equal(5, 3, 10, 10);
        using var gpt2 = Checkpoint.Open(CheckpointFixtures.Path_("tiny-gpt2-safetensors"));
        gpt2.Info("transformer.h.0.attn.c_attn.weight").Shape.Should().Equal(2, 6);
        ((SafeTensorsFile)gpt2).Metadata.Should().ContainKey("format");
    }

    [Fact]
    public void Open_FolderWithBothFormats_PrefersSafetensors()
    {
        using var both = Checkpoint.Open(CheckpointFixtures.Path_("tiny-roberta"));
        both.Should().BeOfType<SafeTensorsFile>();
        using var binOnly = Checkpoint.Open(CheckpointFixtures.Path_("tiny-vit-pytorch-bin"));
        binOnly.Should().BeOfType<PyTorchCheckpoint>();
    }

    [Fact]
    public void Open_FolderWithoutCheckpoint_ListsWhatItLookedFor()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("config.json"), "{}");
        var act = () => Checkpoint.Open(dir.Path);
        act.Should().Throw<FileNotFoundException>().WithMessage(
            $"{dir.Path}: no checkpoint in this folder; looked for model.safetensors, model.safetensors.index.json, pytorch_model.bin, pytorch_model.bin.index.json (found: config.json).");
    }

    [Fact]
    public void Open_MissingPathOrUnknownExtension_Throws()
    {
        var missing = () => Checkpoint.Open("/nonexistent/model.safetensors");
        missing.Should().Throw<FileNotFoundException>().WithMessage("/nonexistent/model.safetensors: no such checkpoint file or folder.");
        using var dir = new TempDir();
        File.WriteAllText(dir.File("weights.h5"), "x");
        var unknown = () => Checkpoint.Open(dir.File("weights.h5"));
        unknown.Should().Throw<CheckpointFormatException>().WithMessage("*weights.h5: unknown checkpoint extension '.h5'*");
    }

    /// <summary>Splits tiny-bert-safetensors into two shards (first 10 tensors, the rest) plus an index, in HF layout.</summary>
    private static void WriteShards(string folder, Action<Dictionary<string, string>>? editMap = null)
    {
        using var source = SafeTensorsFile.Open(CheckpointFixtures.Path_("tiny-bert-safetensors/model.safetensors"));
        var map = new Dictionary<string, string>();
        var shards = new[] { new SafeTensorsWriter(), new SafeTensorsWriter() };
        for (int i = 0; i < source.Tensors.Count; i++)
        {
            var t = source.Tensors[i];
            int s = i < 10 ? 0 : 1;
            shards[s].AddRaw(t.Name, t.DType, source.GetBytes(t.Name), t.Shape);
            map[t.Name] = $"model-0000{s + 1}-of-00002.safetensors";
        }
        shards[0].Save(Path.Combine(folder, "model-00001-of-00002.safetensors"));
        shards[1].Save(Path.Combine(folder, "model-00002-of-00002.safetensors"));
        editMap?.Invoke(map);
        var index = new { metadata = new { total_size = source.Tensors.Sum(t => t.ByteCount) }, weight_map = map };
        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"), JsonSerializer.Serialize(index));
    }

    [Fact]
    public void Open_ShardedFolder_SameTensorsAsSingleFile()
    {
        using var dir = new TempDir();
        WriteShards(dir.Path);
        using var sharded = Checkpoint.Open(dir.Path);
        using var single = SafeTensorsFile.Open(CheckpointFixtures.Path_("tiny-bert-safetensors/model.safetensors"));
        sharded.Should().BeOfType<ShardedCheckpoint>();
        sharded.Tensors.Select(t => t.Name).Should().BeEquivalentTo(single.Tensors.Select(t => t.Name));
        foreach (var t in single.Tensors)
        {
            sharded.Info(t.Name).Shape.Should().Equal(t.Shape);
            sharded.GetBytes(t.Name).SequenceEqual(single.GetBytes(t.Name)).Should().BeTrue(t.Name);
            sharded.GetSingle(t.Name).Should().Equal(single.GetSingle(t.Name));
        }
    }

    [Fact]
    public void Open_ShardedBinIndex_ReadsTorchShards()
    {
        using var dir = new TempDir();
        File.Copy(CheckpointFixtures.Path_("tiny-vit-pytorch-bin/pytorch_model.bin"), dir.File("pytorch_model-00001-of-00001.bin"));
        using (var vit = PyTorchCheckpoint.Open(dir.File("pytorch_model-00001-of-00001.bin")))
        {
            var map = vit.Tensors.ToDictionary(t => t.Name, _ => "pytorch_model-00001-of-00001.bin");
            File.WriteAllText(dir.File("pytorch_model.bin.index.json"), JsonSerializer.Serialize(new { weight_map = map }));
        }
        using var c = Checkpoint.Open(dir.Path);
        c.Should().BeOfType<ShardedCheckpoint>();
        c.Tensors.Should().HaveCount(24);
        c.GetSingle("classifier.weight").Should().HaveCount(10);
    }

    [Fact]
    public void Open_ShardFileMissing_ThrowsNamingIndexAndShard()
    {
        using var dir = new TempDir();
        WriteShards(dir.Path);
        File.Delete(dir.File("model-00002-of-00002.safetensors"));
        var act = () => Checkpoint.Open(dir.Path);
        act.Should().Throw<FileNotFoundException>().WithMessage(
            $"{dir.File("model.safetensors.index.json")}: shard 'model-00002-of-00002.safetensors' (holding tensor '*') does not exist in {dir.Path}.");
    }

    [Fact]
    public void Open_IndexNamesTensorAbsentFromShard_ThrowsNamingBoth()
    {
        using var dir = new TempDir();
        WriteShards(dir.Path, map => map["bert.ghost.weight"] = "model-00001-of-00002.safetensors");
        var act = () => Checkpoint.Open(dir.Path);
        act.Should().Throw<CheckpointFormatException>().WithMessage(
            $"{dir.File("model.safetensors.index.json")}: tensor 'bert.ghost.weight' is mapped to shard 'model-00001-of-00002.safetensors', but {dir.File("model-00001-of-00002.safetensors")} has no such tensor (it has 10: *");
    }

    [Fact]
    public void Open_IndexWithoutWeightMap_Throws()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("model.safetensors.index.json"), """{"metadata": {}}""");
        var act = () => Checkpoint.Open(dir.Path);
        act.Should().Throw<CheckpointFormatException>().WithMessage("*model.safetensors.index.json: expected an object with a \"weight_map\" object*");
    }
}
