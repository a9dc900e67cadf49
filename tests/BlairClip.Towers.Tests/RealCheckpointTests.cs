using System.Text.Json;
using BlairClip.Towers.Clip;
using BlairClip.Towers.Roberta;
using Xunit.Abstractions;

namespace BlairClip.Towers.Tests;

/// <summary>
/// Slices of the REAL checkpoints' outputs (Fixtures/reference_outputs.json). They run when env BLAIRCLIP_CHECKPOINTS
/// names a folder holding the downloaded Hugging Face folders roberta-base, clip-vit-base-patch32 and
/// blair-roberta-base; otherwise each writes why it did not run (and passes: the repository cannot hold 500 MB of weights).
/// </summary>
public sealed class RealCheckpointTests(ITestOutputHelper output)
{
    private static readonly JsonElement Reference =
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Fixtures.Dir, "reference_outputs.json"))).RootElement.Clone();

    private string? Checkpoint(string name)
    {
        var root = Environment.GetEnvironmentVariable("BLAIRCLIP_CHECKPOINTS");
        if (string.IsNullOrEmpty(root))
        {
            output.WriteLine($"NOT RUN: env BLAIRCLIP_CHECKPOINTS is unset (it should name a folder holding {name}/).");
            return null;
        }
        var dir = Path.Combine(root, name);
        if (File.Exists(Path.Combine(dir, "config.json"))) return dir;
        output.WriteLine($"NOT RUN: {dir}/config.json does not exist (BLAIRCLIP_CHECKPOINTS='{root}').");
        return null;
    }

    private static long[][] Ids(JsonElement e) => e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();

    private static Tensor Batch(long[][] rows) => torch.tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

    private static float[] Flat(JsonElement e) => e.ValueKind == JsonValueKind.Array
        ? e.EnumerateArray().SelectMany(Flat).ToArray()
        : [(float)e.GetDouble()];

    [Fact]
    public void RobertaBase_HfIntegrationInput_MatchesLastHiddenStateSlice()
    {
        if (Checkpoint("roberta-base") is not { } dir) return;
        var r = Reference.GetProperty("roberta-base (FacebookAI/roberta-base) RobertaModel last_hidden_state");
        using var scope = torch.NewDisposeScope();
        using var model = RobertaModel.FromPretrained(dir);
        using var noGrad = torch.no_grad();

        using var o = model.forward(Batch(Ids(r.GetProperty("input_ids"))));

        var slice = o.last_hidden_state.slice(1, 0, 3, 1).slice(2, 0, 3, 1).contiguous();
        Close.Check(slice.data<float>().ToArray(), Flat(r.GetProperty("slice[:, :3, :3]")), r.GetProperty("atol").GetDouble(), "last_hidden_state[:, :3, :3]");
    }

    [Fact]
    public void ClipVitB32Text_BumblebeeInput_MatchesHiddenAndPooledSlices()
    {
        if (Checkpoint("clip-vit-base-patch32") is not { } dir) return;
        var r = Reference.GetProperty("openai/clip-vit-base-patch32 CLIPTextModel (no projection)");
        using var scope = torch.NewDisposeScope();
        using var model = ClipTextModelWithProjection.FromPretrained(dir);
        using var noGrad = torch.no_grad();

        using var o = model.text_model.forward(Batch(Ids(r.GetProperty("input_ids"))), Batch(Ids(r.GetProperty("attention_mask"))));

        var atol = r.GetProperty("atol").GetDouble();
        Close.Check(o.last_hidden_state.slice(1, 1, 4, 1).slice(2, 1, 4, 1).contiguous().data<float>().ToArray(),
            Flat(r.GetProperty("last_hidden_state[:, 1:4, 1:4]")), atol, "last_hidden_state[:, 1:4, 1:4]");
        Close.Check(o.pooler_output.slice(1, 1, 4, 1).contiguous().data<float>().ToArray(), Flat(r.GetProperty("pooler_output[:, 1:4]")), atol, "pooler_output[:, 1:4]");
    }

    [Fact]
    public void ClipVitB32Vision_ConstantHalfPixels_MatchesHiddenAndPooledSlices()
    {
        if (Checkpoint("clip-vit-base-patch32") is not { } dir) return;
        var r = Reference.GetProperty("openai/clip-vit-base-patch32 CLIPVisionModel (no projection)");
        using var scope = torch.NewDisposeScope();
        using var model = ClipVisionModel.FromPretrained(dir);
        using var noGrad = torch.no_grad();

        using var o = model.forward(torch.full([1, 3, 224, 224], 0.5));

        var atol = r.GetProperty("atol").GetDouble();
        Close.Check(o.last_hidden_state.slice(1, 1, 4, 1).slice(2, 1, 4, 1).contiguous().data<float>().ToArray(),
            Flat(r.GetProperty("last_hidden_state[:, 1:4, 1:4]")), atol, "last_hidden_state[:, 1:4, 1:4]");
        Close.Check(o.pooler_output.slice(1, 1, 4, 1).contiguous().data<float>().ToArray(),
            Flat(r.GetProperty("pooler_output[:, 1:4] (post_layernorm of CLS)")), atol, "pooler_output[:, 1:4]");
    }

    [Fact]
    public void BlairRobertaBase_ReadmeTexts_ReproducesPrintedCosines()
    {
        if (Checkpoint("blair-roberta-base") is not { } dir) return;
        var r = Reference.GetProperty("hyp1231/blair-roberta-base CLS embeddings");
        using var tower = PretrainedTowers.LoadTextTower(dir);

        var e = tower.EncodeTexts(Fixtures.Strings(r.GetProperty("texts")));

        var d = tower.Dimension;
        float Cos(int a, int b) => System.Numerics.Tensors.TensorPrimitives.Dot(e.AsSpan(a * d, d), e.AsSpan(b * d, d));
        // Printed to 4 decimals: the true value lies within 5e-5 of the print; 1e-4 leaves room for float32 noise.
        ((double)Cos(0, 1)).Should().BeApproximately(r.GetProperty("cos(e0,e1)").GetDouble(), 1e-4);
        ((double)Cos(0, 2)).Should().BeApproximately(r.GetProperty("cos(e0,e2)").GetDouble(), 1e-4);
    }
}
