using BlairClip.Towers.Training;

namespace BlairClip.Towers.DualEncoder;

/// <summary>The dual encoder's training objective for the shared <see cref="Trainer"/>: each batch sums the weighted
/// symmetric InfoNCE (<see cref="ContrastiveLoss"/>) of every enabled objective's batch of pairs — <c>text_image</c>
/// (item text ↔ the same item's image) and <c>next_item</c> (combined vector of item t ↔ item t+1, a target repeated
/// in a batch never its own negative). An epoch is as many batches as the larger pair set has (the smaller one's
/// batches repeat); pairs are reshuffled every epoch from the trainer's seeded stream; a last batch of one pair (no
/// negatives) is skipped.</summary>
internal sealed class DualEncoderObjective : ITrainingObjective, IDisposable
{
    private readonly DualEncoderFeatures _features;
    private readonly int _batchSize;
    private readonly (int A, int B)[] _textImage, _nextItem;
    private readonly Scalar _textImageWeight, _nextItemWeight;
    private (int A, int B)[] _ti = [], _ni = [];

    public DualEncoderObjective(DualEncoderFeatures features, BlairClipOptions options, (int A, int B)[] textImage, (int A, int B)[] nextItem)
    {
        _features = features; _batchSize = options.BatchSize;
        _textImage = options.TextImageWeight > 0 ? textImage : [];
        _nextItem = options.NextItemWeight > 0 ? nextItem : [];
        // Explicit Scalars, alive as long as the objective (see NoGcRegion).
        _textImageWeight = ((double)options.TextImageWeight).ToScalar();
        _nextItemWeight = ((double)options.NextItemWeight).ToScalar();
    }

    public nn.Module Module => _features.Heads;
    public int BatchesPerEpoch => Math.Max(Batches(_textImage.Length), Batches(_nextItem.Length));

    public void BeginEpoch(int epoch, Random rng)
    {
        _ti = Shuffled(_textImage, rng);
        _ni = Shuffled(_nextItem, rng);
    }

    public (Tensor Loss, long Samples)? Loss(int batch)
    {
        Tensor? loss = null;
        long samples = 0;
        if (Batch(_ti, batch) is { } p)
        {
            samples += p.A.Length;
            loss = ContrastiveLoss.Symmetric(_features.Text(p.A), _features.Image(p.B), _features.Heads.logit_scale).mul(_textImageWeight);
        }
        if (Batch(_ni, batch) is { } q)
        {
            samples += q.A.Length;
            var term = NextItemLoss(q.A, q.B).mul(_nextItemWeight);
            loss = loss is null ? term : loss + term;
        }
        return loss is null ? null : (loss, samples);
    }

    /// <summary>The mean next-item InfoNCE of the combined vectors over <paramref name="pairs"/> in batches (no gradient).</summary>
    public double PairLoss((int A, int B)[] pairs)
    {
        using var _ = torch.no_grad();
        double sum = 0;
        int batches = 0;
        for (int s = 0; s < Batches(pairs.Length); s++)
        {
            if (Batch(pairs, s) is not { } q) continue;
            using var noGc = NoGcRegion.Enter();
            using var scope = torch.NewDisposeScope();
            sum += NextItemLoss(q.A, q.B).item<float>();
            batches++;
        }
        return batches == 0 ? double.NaN : sum / batches;
    }

    private Tensor NextItemLoss(int[] a, int[] b)
    {
        var heads = _features.Heads;
        var keys = torch.tensor(b.Select(i => (long)i).ToArray());
        if (heads.logit_scale.device_type != DeviceType.CPU) keys = keys.to(heads.logit_scale.device);
        return ContrastiveLoss.Symmetric(_features.Combined(a), _features.Combined(b), heads.logit_scale, keys);
    }

    private int Batches(int pairs) => pairs < 2 ? 0 : (pairs + _batchSize - 1) / _batchSize;

    /// <summary>Batch <c>s mod batches</c> of <paramref name="pairs"/> as (A rows, B rows), or null (none, or a single pair).</summary>
    private (int[] A, int[] B)? Batch((int A, int B)[] pairs, int s)
    {
        int batches = Batches(pairs.Length);
        if (batches == 0) return null;
        int start = s % batches * _batchSize, end = Math.Min(pairs.Length, start + _batchSize);
        if (end - start < 2) return null;
        var slice = pairs.AsSpan(start, end - start);
        var a = new int[slice.Length]; var b = new int[slice.Length];
        for (int k = 0; k < slice.Length; k++) (a[k], b[k]) = slice[k];
        return (a, b);
    }

    private static (int A, int B)[] Shuffled((int A, int B)[] pairs, Random rng)
    {
        var copy = ((int, int)[])pairs.Clone();
        rng.Shuffle(copy);
        return copy;
    }

    public void Dispose()
    {
        _textImageWeight.Dispose();
        _nextItemWeight.Dispose();
    }
}
