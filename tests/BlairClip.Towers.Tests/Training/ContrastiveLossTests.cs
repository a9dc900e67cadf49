using BlairClip.Towers.Training;
using FluentAssertions;

namespace BlairClip.Towers.Tests.Training;

/// <summary>The dual encoder's loss against <c>clip_loss_gradients</c> of shared/assets/hf-fixtures (checked there
/// against float64 finite differences).</summary>
public sealed class ContrastiveLossTests
{
    private static readonly System.Text.Json.JsonElement Clip = Fixtures.Expected.GetProperty("tiny-clip");
    private static readonly System.Text.Json.JsonElement Gradients = Fixtures.Expected.GetProperty("clip_loss_gradients");

    private static Tensor Leaf(string output) =>
        Tensor(Fixtures.Floats(Clip.GetProperty("outputs").GetProperty(output)));

    private static Tensor Tensor((float[] Data, long[] Shape) a) => torch.tensor(a.Data, a.Shape).requires_grad_(true);

    /// <summary>Both fixture cases: leaves already normalised, or normalised inside the graph.</summary>
    [Theory]
    [InlineData("normalized_leaves", "text_embeds", "image_embeds", false)]
    [InlineData("through_normalization", "text_embeds_unnormalized", "image_embeds_unnormalized", true)]
    public void LossAndGradients_EqualFixture(string fixture, string textLeaf, string imageLeaf, bool normalizeInGraph)
    {
        using var scope = torch.NewDisposeScope();
        var text = Leaf(textLeaf);
        var image = Leaf(imageLeaf);
        var scale = Tensor(Fixtures.Floats(Clip.GetProperty("logit_scale")));
        var loss = normalizeInGraph
            ? ContrastiveLoss.Symmetric(nn.functional.normalize(text, dim: 1), nn.functional.normalize(image, dim: 1), scale)
            : ContrastiveLoss.Symmetric(text, image, scale);
        loss.backward();
        var expected = Gradients.GetProperty(fixture).GetProperty("outputs");
        Close.Check(loss, Fixtures.Floats(expected.GetProperty("loss")), 1e-5, "loss");
        Close.Check(text.grad!, Fixtures.Floats(expected.GetProperty("grad_" + textLeaf)), 1e-5, "grad_" + textLeaf);
        Close.Check(image.grad!, Fixtures.Floats(expected.GetProperty("grad_" + imageLeaf)), 1e-5, "grad_" + imageLeaf);
        Close.Check(scale.grad!, Fixtures.Floats(expected.GetProperty("grad_logit_scale")), 1e-5, "grad_logit_scale");
    }

    [Fact]
    public void RepeatedKey_IsNotItsOwnNegative_AndScaleIsCappedAt100()
    {
        using var scope = torch.NewDisposeScope();
        // Pairs 0 and 1 share their b (the same item twice): without keys they push each other apart.
        var a = nn.functional.normalize(torch.tensor(new float[] { 1, 0, 0.9f, 0.1f, 0, 1 }, [3, 2]), dim: 1);
        var b = nn.functional.normalize(torch.tensor(new float[] { 1, 0, 1, 0, 0, 1 }, [3, 2]), dim: 1);
        var scale = torch.tensor(10.0f); // exp(10) > 100: capped
        double plain = ContrastiveLoss.Symmetric(a, b, scale).item<float>();
        double masked = ContrastiveLoss.Symmetric(a, b, scale, torch.tensor(new long[] { 7, 7, 9 })).item<float>();
        masked.Should().BeLessThan(plain);
        // exp(10) is capped at 100: the same loss as a logit scale of ln(100).
        var capped = ContrastiveLoss.Symmetric(a, b, torch.tensor((float)Math.Log(100))).item<float>();
        plain.Should().BeApproximately(capped, 1e-5);
    }
}
