using TorchSharp.Modules;
using F = TorchSharp.torch.nn.functional;

namespace BlairClip.Towers.DualEncoder;

/// <summary>The trainable part of the dual encoder over frozen modalities: bias-free linear projections of the text and
/// image features into one <c>projection_dim</c> space (CLIP's <c>text_projection</c>/<c>visual_projection</c>), outputs
/// L2-normalised, and the learnable logit scale (before exp), initialised to ln(1/0.07). Bias-free, so an all-zero
/// (missing) feature row maps to the zero vector.</summary>
public sealed class DualEncoderHeads : nn.Module
{
#pragma warning disable IDE1006
    public readonly Linear text_projection;
    public readonly Linear visual_projection;
    public readonly Parameter logit_scale;
#pragma warning restore IDE1006

    /// <summary>The trainable text tower (a RoBERTa/BLaIR encoder; null when the text modality is a frozen column).
    /// Registered as a submodule, so the optimizer sees its trainable parameters.</summary>
    public readonly Roberta.RobertaModel? text_tower;

    /// <summary>The trainable image tower (a CLIP vision transformer; null when the image modality is a frozen column).</summary>
    public readonly Clip.ClipVisionTransformer? image_tower;

    /// <summary>Fresh heads for features of <paramref name="textDim"/> and <paramref name="imageDim"/> dimensions (the towers'
    /// hidden sizes when <paramref name="textTower"/> / <paramref name="imageTower"/> are given) projected to
    /// <paramref name="projectionDim"/>. <paramref name="seed"/> initialises the projections as <c>nn.Linear</c> does
    /// (uniform ±1/√fan_in) from its own stream, not libtorch's process-wide generator, so that the same seed gives the
    /// same weights whatever else runs.</summary>
    public DualEncoderHeads(long textDim, long imageDim, long projectionDim, int seed, Roberta.RobertaModel? textTower = null,
        Clip.ClipVisionTransformer? imageTower = null) : base(nameof(DualEncoderHeads))
    {
        text_tower = textTower;
        image_tower = imageTower;
        var rng = new Random(seed);
        text_projection = nn.Linear(textDim, projectionDim, hasBias: false);
        visual_projection = nn.Linear(imageDim, projectionDim, hasBias: false);
        Initialise(text_projection, rng);
        Initialise(visual_projection, rng);
        logit_scale = nn.Parameter(torch.tensor((float)Training.ContrastiveLoss.InitialLogitScale));
        RegisterComponents();
    }

    private static void Initialise(Linear layer, Random rng)
    {
        var w = layer.weight!;
        double bound = 1 / Math.Sqrt(w.shape[1]);
        var values = new float[w.numel()];
        for (int k = 0; k < values.Length; k++) values[k] = (float)((rng.NextDouble() * 2 - 1) * bound);
        using var _ = torch.no_grad();
        using var init = torch.tensor(values, w.shape);
        w.copy_(init);
    }

    /// <summary>normalize(text_projection(x)), [B, projection_dim].</summary>
    public Tensor Text(Tensor x) => F.normalize(text_projection.call(x), dim: 1);

    /// <summary>normalize(visual_projection(x)), [B, projection_dim].</summary>
    public Tensor Image(Tensor x) => F.normalize(visual_projection.call(x), dim: 1);

    /// <summary>normalize(Text(t) + Image(i)): one item vector from both modalities.</summary>
    public Tensor Combined(Tensor text, Tensor image) => F.normalize(Text(text) + Image(image), dim: 1);
}
