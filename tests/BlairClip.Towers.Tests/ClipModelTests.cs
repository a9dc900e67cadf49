using System.Text.Json;
using BlairClip.Towers.Loading;
using BlairClip.Towers.Clip;
using Xunit.Abstractions;

namespace BlairClip.Towers.Tests;

public sealed class ClipModelTests(ITestOutputHelper output)
{
    private static readonly JsonElement Inputs = Fixtures.Expected.GetProperty("tiny-clip");
    private static readonly JsonElement Synthetic = Fixtures.Expected.GetProperty("tiny-clip-synthetic");

    private static (Tensor Ids, Tensor Mask) TextInputs()
    {
        var (ids, shape) = Fixtures.Longs(Inputs.GetProperty("input_ids"));
        var (mask, _) = Fixtures.Longs(Inputs.GetProperty("attention_mask"));
        return (torch.tensor(ids, shape), torch.tensor(mask, shape));
    }

    /// <summary>Checks every output of <paramref name="set"/> (expected.json) against one forward pass.</summary>
    private static void CheckAllOutputs(ClipModel model, JsonElement set, float[] pixelValues, string? baseDir = null)
    {
        using var scope = torch.NewDisposeScope();
        var (ids, mask) = TextInputs();
        using var result = model.forward(ids, mask, torch.tensor(pixelValues, [3, 3, 224, 224]), output_hidden_states: true);
        var expected = set.GetProperty("outputs");
        void Check(string name, Tensor actual) =>
            Close.Check(actual, Fixtures.Floats(expected.GetProperty(name), baseDir), Fixtures.Tolerance(set, name), name);

        foreach (var (tower, o) in new[] { ("text_model", result.text_model_output), ("vision_model", result.vision_model_output) })
        {
            Check($"{tower}.last_hidden_state", o.last_hidden_state);
            Check($"{tower}.pooler_output", o.pooler_output);
            o.hidden_states.Should().HaveCount(3);
            for (var i = 0; i < 3; i++) Check($"{tower}.hidden_states.{i}", o.hidden_states[i]);
        }
        Check("text_embeds_unnormalized", result.text_embeds_unnormalized);
        Check("image_embeds_unnormalized", result.image_embeds_unnormalized);
        Check("text_embeds", result.text_embeds);
        Check("image_embeds", result.image_embeds);
        Check("logits_per_text", result.logits_per_text);
        Check("logits_per_image", result.logits_per_image);
        Check("loss", result.loss());
    }

    [Fact]
    public void Forward_SyntheticImagesAndReferenceTexts_MatchesEveryReferenceOutput()
    {
        using var model = ClipModel.FromPretrained(Fixtures.TinyClip);

        CheckAllOutputs(model, Synthetic, Fixtures.SyntheticPixelValues());

        model.logit_scale.item<float>().Should().BeApproximately(Fixtures.Floats(Inputs.GetProperty("logit_scale")).Data[0], 0);
    }

    [Fact]
    public void Forward_HmPhotoSet_MatchesEveryReferenceOutputWhenSharedFolderExists()
    {
        var (shared, reason) = Fixtures.Shared();
        var fixtures = shared is null ? null : Path.Combine(shared, "assets", "hf-fixtures");
        if (fixtures is null || !File.Exists(Path.Combine(fixtures, "expected", "clip.pixel_values.f32")))
        {
            output.WriteLine($"NOT RUN: the tiny-clip H&M-photo outputs stay outside the repository and {(fixtures is null ? reason : fixtures + "/expected/clip.pixel_values.f32 is missing")}.");
            return;
        }
        using var model = ClipModel.FromPretrained(Fixtures.TinyClip);
        var pixels = Fixtures.Floats(Inputs.GetProperty("pixel_values"), fixtures).Data;

        CheckAllOutputs(model, Inputs, pixels, fixtures);
        output.WriteLine($"ran against {fixtures}");
    }

    [Fact]
    public void Towers_TinyClip_ReturnNormalizedProjectedEmbeds()
    {
        using var text = PretrainedTowers.LoadTextTower(Fixtures.TinyClip);
        using var image = PretrainedTowers.LoadImageTower(Fixtures.TinyClip);
        var texts = Fixtures.Strings(Inputs.GetProperty("texts"));
        text.Tokenizer.EncodeBatch(texts).InputIds.Should().Equal(Fixtures.Longs(Inputs.GetProperty("input_ids")).Data);

        var textEmbeds = text.EncodeTexts(texts);
        var imageEmbeds = image.EncodeImages(Fixtures.SyntheticPixelValues(), 3);

        (text.Dimension, text.MaxLength, image.Dimension).Should().Be((16, 77, 16));
        var expected = Synthetic.GetProperty("outputs");
        Close.Check(textEmbeds, Fixtures.Floats(expected.GetProperty("text_embeds")).Data, 1e-5, "text_embeds");
        Close.Check(imageEmbeds, Fixtures.Floats(expected.GetProperty("image_embeds")).Data, 1e-5, "image_embeds");
    }

    [Fact]
    public void Encode_InsideCallerScope_LeavesNoTensorBehind()
    {
        using var text = PretrainedTowers.LoadTextTower(Fixtures.TinyClip);
        using var image = PretrainedTowers.LoadImageTower(Fixtures.TinyClip);
        var pixels = Fixtures.SyntheticPixelValues();
        using var outer = torch.NewDisposeScope();

        text.EncodeTexts(["a photo of a cat"]);
        image.EncodeImages(pixels, 3);

        outer.DisposablesCount.Should().Be(0);
    }

    [Fact]
    public void EncodeImages_WrongLength_ThrowsNamingBothCounts()
    {
        using var image = PretrainedTowers.LoadImageTower(Fixtures.TinyClip);

        var act = () => image.EncodeImages(new float[3 * 224 * 224], 2);

        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("301056").And.Contain("holds 150528");
    }

    [Fact]
    public void TextTransformer_EosTokenIdNot2_PoolsFirstEqualIdWhichIsTheRealEos()
    {
        // eos_token_id 49407 selects the first 49407, which for right-padded rows is the real EOS: same pooled output.
        var dir = Directory.CreateTempSubdirectory("clip-eos-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "config.json"),
                File.ReadAllText(Path.Combine(Fixtures.TinyClip, "config.json")).Replace("\"eos_token_id\": 2", "\"eos_token_id\": 49407"));
            File.Copy(Path.Combine(Fixtures.TinyClip, "model.safetensors"), Path.Combine(dir, "model.safetensors"));
            using var model = ClipTextModelWithProjection.FromPretrained(dir);
            model.text_model.Config.eos_token_id.Should().Be(49407);
            using var scope = torch.NewDisposeScope();
            var (ids, mask) = TextInputs();

            using var o = model.text_model.forward(ids, mask);

            Close.Check(o.pooler_output, Fixtures.Floats(Synthetic.GetProperty("outputs").GetProperty("text_model.pooler_output")), 1e-5, "pooler_output");
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>tiny-clip's tensors renamed by <paramref name="rename"/> (null drops a key) into a temp folder.</summary>
    private static string Renamed(Func<string, string?> rename)
    {
        var dir = Directory.CreateTempSubdirectory("clip-renamed-").FullName;
        foreach (var f in new[] { "config.json", "preprocessor_config.json" })
            File.Copy(Path.Combine(Fixtures.TinyClip, f), Path.Combine(dir, f));
        using var scope = torch.NewDisposeScope();
        var tensors = CheckpointTensors.Load(Path.Combine(Fixtures.TinyClip, "model.safetensors"));
        var renamed = tensors.Where(kv => rename(kv.Key) is not null).ToDictionary(kv => rename(kv.Key)!, kv => kv.Value);
        CheckpointTensors.Save(Path.Combine(dir, "model.safetensors"), renamed);
        foreach (var t in tensors.Values) t.Dispose();
        return dir;
    }

    [Fact]
    public void VisionModel_KeysWithoutVisionModelPrefix_LoadsAndMatchesPooler()
    {
        var dir = Renamed(k => k.StartsWith("vision_model.", StringComparison.Ordinal) ? k["vision_model.".Length..] : null);
        try
        {
            File.WriteAllText(Path.Combine(dir, "config.json"), VisionOnlyConfig());
            using var model = ClipVisionModel.FromPretrained(dir);
            using var scope = torch.NewDisposeScope();

            using var o = model.forward(torch.tensor(Fixtures.SyntheticPixelValues(), [3, 3, 224, 224]));

            model.LoadReport.MissingKeys.Should().BeEmpty();
            Close.Check(o.pooler_output, Fixtures.Floats(Synthetic.GetProperty("outputs").GetProperty("vision_model.pooler_output")), 1e-5, "pooler_output");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void TextTower_ClipTextModelKeysWithoutTextModelPrefix_LoadsAndMatchesTextEmbeds()
    {
        var dir = Renamed(k => k.StartsWith("text_model.", StringComparison.Ordinal) ? k["text_model.".Length..]
            : k == "text_projection.weight" ? k : null);
        try
        {
            using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.TinyClip, "config.json"))))
                File.WriteAllText(Path.Combine(dir, "config.json"), doc.RootElement.GetProperty("text_config").GetRawText());
            foreach (var f in new[] { "vocab.json", "merges.txt" })
                File.Copy(Path.Combine(Fixtures.TinyClip, f), Path.Combine(dir, f));
            using var tower = PretrainedTowers.LoadTextTower(dir);

            var embeds = tower.EncodeTexts(Fixtures.Strings(Inputs.GetProperty("texts")));

            PretrainedTowers.ModelType(dir).Should().Be("clip_text_model");
            Close.Check(embeds, Fixtures.Floats(Synthetic.GetProperty("outputs").GetProperty("text_embeds")).Data, 1e-5, "text_embeds");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void TextTransformer_LongerThanPositionTable_ThrowsNamingShapeAndLimit()
    {
        using var model = ClipTextModelWithProjection.FromPretrained(Fixtures.TinyClip);
        using var scope = torch.NewDisposeScope();

        var act = () => model.text_model.forward(torch.ones([1, 78], ScalarType.Int64));

        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("max_position_embeddings 77").And.Contain("[1, 78]");
    }

    // The vision_config block of tiny-clip as a top-level clip_vision_model config.
    private static string VisionOnlyConfig()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.TinyClip, "config.json")));
        return doc.RootElement.GetProperty("vision_config").GetRawText();
    }

    [Fact]
    public void VisionModel_FromFullClipCheckpoint_IgnoresTextTowerAndProjections()
    {
        using var model = ClipVisionModel.FromPretrained(Fixtures.TinyClip);

        model.LoadReport.UnexpectedKeys.Should().BeEmpty();
        model.LoadReport.IgnoredKeys.Should().Contain(["text_projection.weight", "visual_projection.weight", "logit_scale", "text_model.final_layer_norm.weight"]);
    }

    [Theory]
    [InlineData("model.")]
    [InlineData("clip.")]
    public void FromPretrained_WrappedKeys_StripsPrefixAndMatches(string prefix)
    {
        var dir = Renamed(k => prefix + k);
        try
        {
            using var model = ClipModel.FromPretrained(dir);
            CheckAllOutputs(model, Synthetic, Fixtures.SyntheticPixelValues());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void ImageTower_ClipVisionModelWithoutProjection_UsesPooledOutput()
    {
        var dir = Renamed(k => k.StartsWith("vision_model.", StringComparison.Ordinal) ? k : null);
        try
        {
            File.WriteAllText(Path.Combine(dir, "config.json"), VisionOnlyConfig());
            using var tower = PretrainedTowers.LoadImageTower(dir);

            var embeds = tower.EncodeImages(Fixtures.SyntheticPixelValues(), 3);

            tower.Dimension.Should().Be(32);
            using var scope = torch.NewDisposeScope();
            var pooled = torch.tensor(Fixtures.Floats(Synthetic.GetProperty("outputs").GetProperty("vision_model.pooler_output")).Data, [3, 32]);
            Close.Check(embeds, torch.nn.functional.normalize(pooled).data<float>().ToArray(), 1e-5, "normalised pooler_output");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void FromPretrained_MissingProjection_ThrowsNamingIt()
    {
        var dir = Renamed(k => k == "visual_projection.weight" ? null : k);
        try
        {
            var act = () => ClipModel.FromPretrained(dir);
            act.Should().Throw<StateDictException>().Which.Message.Should().Contain("missing keys [visual_projection.weight]");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void LoadImageTower_RobertaFolder_ThrowsNamingModelType()
    {
        var act = () => PretrainedTowers.LoadImageTower(Fixtures.TinyRoberta);

        act.Should().Throw<InvalidDataException>().Which.Message.Should().Contain("config.json").And.Contain("'model_type'").And.Contain("'roberta'");
    }

    [Fact]
    public void ModelType_Fixtures_ReadsConfig()
    {
        (PretrainedTowers.ModelType(Fixtures.TinyClip), PretrainedTowers.ModelType(Fixtures.TinyRoberta)).Should().Be(("clip", "roberta"));
    }
}
