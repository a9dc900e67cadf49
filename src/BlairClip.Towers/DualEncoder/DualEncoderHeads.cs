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

    /// <summary>The SimCSE-style MLP (dense + tanh) on the text features before <see cref="text_projection"/> (null: none).</summary>
    public readonly Linear? text_mlp;

    /// <summary>Fresh heads for features of <paramref name="textDim"/> and <paramref name="imageDim"/> dimensions (the towers'
    /// hidden sizes when <paramref name="textTower"/> / <paramref name="imageTower"/> are given) projected to
    /// <paramref name="projectionDim"/>. <paramref name="seed"/> initialises the projections as <c>nn.Linear</c> does
    /// (uniform ±1/√fan_in) from its own stream, not libtorch's process-wide generator, so that the same seed gives the
    /// same weights whatever else runs.</summary>
    public DualEncoderHeads(long textDim, long imageDim, long projectionDim, int seed, Roberta.RobertaModel? textTower = null,
        Clip.ClipVisionTransformer? imageTower = null, bool textMlp = false) : base(nameof(DualEncoderHeads))
    {
        text_tower = textTower;
        image_tower = imageTower;
        var rng = new Random(seed);
        text_projection = nn.Linear(textDim, projectionDim, hasBias: false);
        visual_projection = nn.Linear(imageDim, projectionDim, hasBias: false);
        Initialise(text_projection, rng);
        Initialise(visual_projection, rng);
        if (textMlp)
        {
            text_mlp = nn.Linear(textDim, textDim, hasBias: true);
            Initialise(text_mlp, rng);
        }
        logit_scale = nn.Parameter(torch.tensor((float)Training.ContrastiveLoss.InitialLogitScale));
        RegisterComponents();
    }

    /// <summary>Weight and bias uniform in ±1/√fan_in, as <c>nn.Linear</c>'s default initialisation.</summary>
    private static void Initialise(Linear layer, Random rng)
    {
        double bound = 1 / Math.Sqrt(layer.weight!.shape[1]);
        foreach (var p in layer.bias is null ? [layer.weight] : new[] { layer.weight, layer.bias })
        {
            var values = new float[p.numel()];
            for (int k = 0; k < values.Length; k++) values[k] = (float)((rng.NextDouble() * 2 - 1) * bound);
            using var _ = torch.no_grad();
            using var init = torch.tensor(values, p.shape);
            p.copy_(init);
        }
    }

    /// <summary>normalize(text_projection(x)) — with the MLP, normalize(text_projection(tanh(text_mlp(x)))) — [B, projection_dim].</summary>
    public Tensor Text(Tensor x) => F.normalize(text_projection.call(text_mlp is null ? x : torch.tanh(text_mlp.call(x))), dim: 1);

    /// <summary>normalize(visual_projection(x)), [B, projection_dim].</summary>
    public Tensor Image(Tensor x) => F.normalize(visual_projection.call(x), dim: 1);

    /// <summary>normalize(Text(t) + Image(i)): one item vector from both modalities.</summary>
    public Tensor Combined(Tensor text, Tensor image) => F.normalize(Text(text) + Image(image), dim: 1);
}
