using BlairClip.Towers.Loading;
using BlairClip.Towers.Roberta;

namespace BlairClip.Towers.Tests;

public sealed class RobertaModelTests
{
    private static readonly System.Text.Json.JsonElement Set = Fixtures.Expected.GetProperty("tiny-roberta");

    /// <summary>A temporary folder holding tiny-roberta's config.json and only the named weight file.</summary>
    internal static string FolderWith(string weightFile)
    {
        var dir = Directory.CreateTempSubdirectory("tiny-roberta-").FullName;
        File.Copy(Path.Combine(Fixtures.TinyRoberta, "config.json"), Path.Combine(dir, "config.json"));
        File.Copy(Path.Combine(Fixtures.TinyRoberta, weightFile), Path.Combine(dir, weightFile));
        return dir;
    }

    private static (Tensor Ids, Tensor Mask) Inputs()
    {
        var (ids, shape) = Fixtures.Longs(Set.GetProperty("input_ids"));
        var (mask, _) = Fixtures.Longs(Set.GetProperty("attention_mask"));
        return (torch.tensor(ids, shape), torch.tensor(mask, shape));
    }

    [Theory]
    [InlineData("model.safetensors")]
    [InlineData("pytorch_model.bin")]
    public void Forward_TinyRobertaFromEachWeightFile_MatchesEveryReferenceOutput(string weightFile)
    {
        var dir = FolderWith(weightFile);
        try
        {
            using var scope = torch.NewDisposeScope();
            using var model = RobertaModel.FromPretrained(dir);
            var (ids, mask) = Inputs();
            using var output = model.forward(ids, mask, output_hidden_states: true);
            var expected = Set.GetProperty("outputs");
            double Tol(string name) => Fixtures.Tolerance(Set, name);

            Close.Check(output.last_hidden_state, Fixtures.Floats(expected.GetProperty("last_hidden_state")), Tol("last_hidden_state"), "last_hidden_state");
            output.hidden_states.Should().HaveCount(3, "embeddings + 2 layers");
            for (var i = 0; i < 3; i++)
                Close.Check(output.hidden_states[i], Fixtures.Floats(expected.GetProperty($"hidden_states.{i}")), Tol($"hidden_states.{i}"), $"hidden_states.{i}");
            Close.Check(output.pooler_output!, Fixtures.Floats(expected.GetProperty("pooler_output")), Tol("pooler_output"), "pooler_output");
            Close.Check(output.ClsNormalized(), Fixtures.Floats(expected.GetProperty("cls_l2_normalized")), Tol("cls_l2_normalized"), "cls_l2_normalized");
            model.LoadReport.MissingKeys.Should().BeEmpty();
            model.LoadReport.UnexpectedKeys.Should().BeEmpty();
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Forward_NoAttentionMask_DerivesItFromPadIdsAndMatches()
    {
        using var scope = torch.NewDisposeScope();
        using var model = RobertaModel.FromPretrained(Fixtures.TinyRoberta);
        var (ids, _) = Inputs();
        using var output = model.forward(ids);
        output.hidden_states.Should().BeEmpty("hidden states are kept only when asked for");
        Close.Check(output.last_hidden_state, Fixtures.Floats(Set.GetProperty("outputs").GetProperty("last_hidden_state")), 1e-5, "last_hidden_state");
    }

    [Fact]
    public void Forward_InsideCallerScope_LeavesOnlyTheReturnedTensorsThere()
    {
        using var model = RobertaModel.FromPretrained(Fixtures.TinyRoberta);
        var (ids, mask) = Inputs();
        using var outer = torch.NewDisposeScope();

        using var output = model.forward(ids, mask);

        outer.DisposablesCount.Should().Be(2, "only last_hidden_state and pooler_output reach the caller; every temporary was freed");
    }

    [Fact]
    public void EncodeTexts_InsideCallerScope_LeavesNoTensorBehind()
    {
        using var tower = PretrainedTowers.LoadTextTower(Fixtures.TinyRoberta);
        using var outer = torch.NewDisposeScope();

        tower.EncodeTexts(["a", "b c"]);

        outer.DisposablesCount.Should().Be(0);
    }

    [Fact]
    public void TextTower_TinyRobertaTexts_TokenizesAsReferenceAndReturnsNormalizedCls()
    {
        using var tower = PretrainedTowers.LoadTextTower(Fixtures.TinyRoberta);
        var texts = Fixtures.Strings(Set.GetProperty("texts"));
        var batch = tower.Tokenizer.EncodeBatch(texts);
        batch.InputIds.Should().Equal(Fixtures.Longs(Set.GetProperty("input_ids")).Data, "the tower's tokenizer must give the reference ids");

        var embeds = tower.EncodeTexts(texts);

        tower.Should().BeOfType<RobertaTextTower>();
        (tower.Dimension, tower.MaxLength).Should().Be((16, 512));
        Close.Check(embeds, Fixtures.Floats(Set.GetProperty("outputs").GetProperty("cls_l2_normalized")).Data, 1e-5, "EncodeTexts");
    }

    [Fact]
    public void TextTower_MoreTextsThanOneChunk_EqualsEncodingEachTextAlone()
    {
        using var tower = PretrainedTowers.LoadTextTower(Fixtures.TinyRoberta);
        var texts = Enumerable.Range(0, 35).Select(i => $"text number {i} " + new string('x', i % 7)).ToArray();

        var all = tower.EncodeTexts(texts);

        all.Should().HaveCount(35 * 16);
        foreach (var i in new[] { 0, 31, 32, 34 })
            Close.Check(all.AsSpan(i * 16, 16), tower.EncodeTexts([texts[i]]), 1e-5, $"row {i}");
    }

    [Fact]
    public void FromPretrained_HeadModelKeys_StripsRobertaPrefixIgnoresLmHeadAndToleratesMissingPooler()
    {
        var dir = Directory.CreateTempSubdirectory("roberta-mlm-").FullName;
        try
        {
            File.Copy(Path.Combine(Fixtures.TinyRoberta, "config.json"), Path.Combine(dir, "config.json"));
            using (torch.NewDisposeScope())
            {
                var renamed = CheckpointTensors.Load(Path.Combine(Fixtures.TinyRoberta, "model.safetensors"))
                    .Where(kv => !kv.Key.StartsWith("pooler.", StringComparison.Ordinal))
                    .ToDictionary(kv => "roberta." + kv.Key, kv => kv.Value);
                renamed["lm_head.bias"] = torch.zeros([50265]);
                renamed["roberta.embeddings.position_ids"] = torch.arange(514).unsqueeze(0);
                CheckpointTensors.Save(Path.Combine(dir, "model.safetensors"), renamed);
                foreach (var t in renamed.Values) t.Dispose();
            }

            using var scope = torch.NewDisposeScope();
            using var model = RobertaModel.FromPretrained(dir);
            var (ids, mask) = Inputs();
            using var output = model.forward(ids, mask);

            model.HasPooler.Should().BeFalse();
            output.pooler_output.Should().BeNull();
            model.LoadReport.MissingKeys.Should().Equal("pooler.dense.weight", "pooler.dense.bias");
            model.LoadReport.IgnoredKeys.Should().BeEquivalentTo(["lm_head.bias", "roberta.embeddings.position_ids"]);
            Close.Check(output.last_hidden_state, Fixtures.Floats(Set.GetProperty("outputs").GetProperty("last_hidden_state")), 1e-5, "last_hidden_state");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void FromPretrained_ShardedSafetensors_MatchesReference()
    {
        var dir = Directory.CreateTempSubdirectory("roberta-sharded-").FullName;
        try
        {
            File.Copy(Path.Combine(Fixtures.TinyRoberta, "config.json"), Path.Combine(dir, "config.json"));
            var weightMap = new Dictionary<string, string>();
            using (torch.NewDisposeScope())
            {
                var tensors = CheckpointTensors.Load(Path.Combine(Fixtures.TinyRoberta, "model.safetensors"));
                // Two shards as save_pretrained writes them: the embeddings in the first, everything else in the second.
                foreach (var (shard, part) in new[] { ("model-00001-of-00002.safetensors", true), ("model-00002-of-00002.safetensors", false) })
                {
                    var subset = tensors.Where(kv => kv.Key.StartsWith("embeddings.", StringComparison.Ordinal) == part).ToDictionary();
                    CheckpointTensors.Save(Path.Combine(dir, shard), subset);
                    foreach (var key in subset.Keys) weightMap[key] = shard;
                }
                foreach (var t in tensors.Values) t.Dispose();
            }
            File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"),
                System.Text.Json.JsonSerializer.Serialize(new { metadata = new { total_size = 0 }, weight_map = weightMap }));

            using var scope = torch.NewDisposeScope();
            using var model = RobertaModel.FromPretrained(dir);
            var (ids, mask) = Inputs();
            using var output = model.forward(ids, mask);

            Close.Check(output.pooler_output!, Fixtures.Floats(Set.GetProperty("outputs").GetProperty("pooler_output")), 1e-5, "pooler_output");
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>Writes tiny-roberta with <paramref name="edit"/> applied to its tensors into a temp folder.</summary>
    private static string EditedCheckpoint(Action<Dictionary<string, Tensor>> edit)
    {
        var dir = Directory.CreateTempSubdirectory("roberta-edit-").FullName;
        File.Copy(Path.Combine(Fixtures.TinyRoberta, "config.json"), Path.Combine(dir, "config.json"));
        using var scope = torch.NewDisposeScope();
        var tensors = CheckpointTensors.Load(Path.Combine(Fixtures.TinyRoberta, "model.safetensors"));
        edit(tensors);
        CheckpointTensors.Save(Path.Combine(dir, "model.safetensors"), tensors);
        foreach (var t in tensors.Values) t.Dispose();
        return dir;
    }

    [Fact]
    public void FromPretrained_MissingKey_ThrowsNamingKeyAndFolder()
    {
        var dir = EditedCheckpoint(t => t.Remove("encoder.layer.1.output.dense.bias"));
        try
        {
            var act = () => RobertaModel.FromPretrained(dir);
            act.Should().Throw<StateDictException>()
                .Which.Message.Should().Contain(dir).And.Contain("missing keys [encoder.layer.1.output.dense.bias]").And.Contain("unexpected keys []");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void FromPretrained_UnexpectedKey_ThrowsNamingIt_AndNonStrictReportsIt()
    {
        var dir = EditedCheckpoint(t => t["encoder.layer.2.attention.self.query.weight"] = torch.zeros([16, 16]));
        try
        {
            var act = () => RobertaModel.FromPretrained(dir);
            act.Should().Throw<StateDictException>().Which.Message.Should().Contain("unexpected keys [encoder.layer.2.attention.self.query.weight]");

            using var model = RobertaModel.FromPretrained(dir, strict: false);
            model.LoadReport.UnexpectedKeys.Should().Equal("encoder.layer.2.attention.self.query.weight");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void FromPretrained_ShapeMismatch_ThrowsNamingTensorAndBothShapes()
    {
        var dir = EditedCheckpoint(t => t["encoder.layer.0.intermediate.dense.weight"] = torch.zeros([36, 16]));
        try
        {
            var act = () => RobertaModel.FromPretrained(dir, strict: false);
            act.Should().Throw<StateDictException>().Which.Message.Should()
                .Contain("'encoder.layer.0.intermediate.dense.weight': checkpoint has shape [36, 16], model expects [37, 16]");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void FromFile_HiddenNotMultipleOfHeads_ThrowsNamingFileAndKeys()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("cfg-").FullName, "config.json");
        File.WriteAllText(path, """{"model_type": "roberta", "hidden_size": 18, "num_attention_heads": 4}""");

        var act = () => RobertaConfig.FromFile(path);

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain(path).And.Contain("'hidden_size' (18)").And.Contain("'num_attention_heads' (4)");
    }

    [Fact]
    public void FromFile_RelativePositionEmbeddings_ThrowsNamingKeyAndValue()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("cfg-").FullName, "config.json");
        File.WriteAllText(path, """{"model_type": "roberta", "position_embedding_type": "relative_key"}""");

        var act = () => RobertaConfig.FromFile(path);

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain(path).And.Contain("'position_embedding_type' must be absolute, but was 'relative_key'");
    }

    [Theory]
    [InlineData("cpu", "fp8", "TowerOptions.DType must be Float32 or Bf16, but was 9.")]
    [InlineData("tpu:0", "float32", "TowerOptions.Device must be cpu, cuda or cuda:N, but was 'tpu:0'")]
    public void LoadTextTower_BadOptions_ThrowsNamingOptionAndValue(string device, string dtype, string message)
    {
        var act = () => PretrainedTowers.LoadTextTower(Fixtures.TinyRoberta, new TowerOptions { Device = device, DType = TowerPrecisionNames.Parse(dtype) ?? (TowerPrecision)9 });

        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain(message);
    }

    [Fact]
    public void TextTower_Bf16OnCpu_StaysCloseToFloat32()
    {
        var texts = Fixtures.Strings(Set.GetProperty("texts"));
        using var f32 = PretrainedTowers.LoadTextTower(Fixtures.TinyRoberta);
        using var bf16 = PretrainedTowers.LoadTextTower(Fixtures.TinyRoberta, new TowerOptions { DType = TowerPrecision.Bf16 });

        var a = f32.EncodeTexts(texts);
        var b = bf16.EncodeTexts(texts);

        for (var r = 0; r < texts.Length; r++)
        {
            var cos = System.Numerics.Tensors.TensorPrimitives.Dot(a.AsSpan(r * 16, 16), b.AsSpan(r * 16, 16));
            cos.Should().BeGreaterThan(0.98f, $"row {r}: bf16 weights keep the embedding's direction");
        }
        a.Should().NotEqual(b, "bf16 really ran in lower precision");
    }
}
