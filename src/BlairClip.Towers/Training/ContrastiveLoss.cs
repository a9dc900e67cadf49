using F = TorchSharp.torch.nn.functional;

namespace BlairClip.Towers.Training;

/// <summary>The symmetric in-batch InfoNCE of CLIP (Hugging Face's <c>clip_loss</c>) with the dual encoder's extras.
/// For a batch of B pairs (a_k, b_k), with rows L2-normalised and <c>s = min(exp(logit_scale), 100)</c>:
/// <c>logits = s · A Bᵀ</c>, <c>loss = (CE(logits, arange B) + CE(logitsᵀ, arange B)) / 2</c> (mean cross-entropy).
/// When <c>keys</c> are given (e.g. the item id of each b_k), an entry j ≠ k with <c>keys[j] == keys[k]</c> is masked out
/// (−∞) in both directions: an item repeated in a batch is never its own negative.</summary>
public static class ContrastiveLoss
{
    /// <summary>CLIP's cap on the logit scale (exp(logit_scale) ≤ 100).</summary>
    public const double MaxScale = 100.0;

    /// <summary>ln(1 / 0.07), CLIP's initial logit scale.</summary>
    public static readonly double InitialLogitScale = Math.Log(1 / 0.07);

    /// <param name="a">[B, D], rows L2-normalised.</param>
    /// <param name="b">[B, D], rows L2-normalised.</param>
    /// <param name="logitScale">0-dim, before exp.</param>
    /// <param name="keys">Optional [B] (int64): pairs with equal keys are not each other's negatives.</param>
    /// <returns>A 0-dim loss in the caller's dispose scope.</returns>
    /// <exception cref="ArgumentException">Shapes disagree.</exception>
    public static Tensor Symmetric(Tensor a, Tensor b, Tensor logitScale, Tensor? keys = null)
    {
        if (a.ndim != 2 || b.ndim != 2 || a.shape[0] != b.shape[0] || a.shape[1] != b.shape[1])
            throw new ArgumentException($"contrastive loss needs two [B, D] batches, but got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}].");
        using var scope = torch.NewDisposeScope();
        // Explicit Scalars, alive until the end of the method (see NoGcRegion: an implicit one can be finalized mid-call).
        using var maxScale = MaxScale.ToScalar();
        using var negativeInfinity = double.NegativeInfinity.ToScalar();
        using var two = 2.0.ToScalar();
        long n = a.shape[0];
        var scale = logitScale.exp().clamp_max(maxScale);
        var logits = scale * a.matmul(b.t());
        if (keys is not null)
        {
            var same = keys.unsqueeze(1).eq(keys.unsqueeze(0));
            var offDiagonal = same.logical_and(torch.eye(n, dtype: ScalarType.Bool, device: a.device).logical_not());
            logits = logits.masked_fill(offDiagonal, negativeInfinity);
        }
        var labels = torch.arange(n, device: a.device);
        var loss = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)).div(two);
        return loss.MoveToOuterDisposeScope();
    }
}
