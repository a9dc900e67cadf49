using BlairClip.Towers.Training;

namespace BlairClip.Towers.DualEncoder;

/// <summary>The training pairs of each objective (A, B): item ↔ item for <c>text_image</c> and <c>next_item</c>; training
/// event ↔ its item for the review objectives (A indexes the training events' review texts).</summary>
internal sealed record DualEncoderPairs((int A, int B)[] TextImage, (int A, int B)[] NextItem, (int A, int B)[] ReviewImage, (int A, int B)[] ReviewMeta);

/// <summary>The dual encoder's training objective for the shared <see cref="Trainer"/>: each batch sums the weighted
/// symmetric InfoNCE (<see cref="ContrastiveLoss"/>) of every enabled objective's batch of pairs — <c>text_image</c>
/// (item text ↔ the same item's image), <c>next_item</c> (combined vector of item t ↔ item t+1), <c>review_image</c>
/// (a training review's text ↔ its item's image) and <c>review_meta</c> (a review's text ↔ its item's meta text: BLaIR's
/// own objective). Wherever the B side is an item id, an item repeated in a batch is never its own negative. An epoch
/// is as many batches as the largest pair set has (the smaller ones' batches repeat); pairs are reshuffled every epoch
/// from the trainer's seeded stream, in the order above; a last batch of one pair (no negatives) is skipped.</summary>
internal sealed class DualEncoderObjective : ITrainingObjective, IDisposable
{
    private readonly DualEncoderFeatures _features;
    private readonly int _batchSize;
    private readonly Term[] _terms;

    /// <summary>One weighted objective: its pairs, this epoch's order of them, and its loss of a batch (A rows, B rows).</summary>
    private sealed class Term((int A, int B)[] pairs, float weight, Func<int[], int[], Tensor> loss) : IDisposable
    {
        // An explicit Scalar, alive as long as the objective (see NoGcRegion).
        private readonly Scalar _weight = ((double)weight).ToScalar();
        public (int A, int B)[] Pairs { get; } = weight > 0 ? pairs : [];
        public (int A, int B)[] Epoch { get; set; } = [];
        public Tensor Loss(int[] a, int[] b) => loss(a, b).mul(_weight);
        public void Dispose() => _weight.Dispose();
    }

    public DualEncoderObjective(DualEncoderFeatures features, BlairClipOptions options, DualEncoderPairs pairs)
    {
        _features = features; _batchSize = options.BatchSize;
        var scale = features.Heads.logit_scale;
        _terms =
        [
            new(pairs.TextImage, options.TextImageWeight, (a, b) => ContrastiveLoss.Symmetric(features.Text(a), features.Image(b), scale)),
            new(pairs.NextItem, options.NextItemWeight, NextItemLoss),
            new(pairs.ReviewImage, options.ReviewImageWeight, (a, b) => ContrastiveLoss.Symmetric(features.Review(a), features.Image(b), scale, Keys(b))),
            new(pairs.ReviewMeta, options.ReviewMetaWeight, (a, b) => ContrastiveLoss.Symmetric(features.Review(a), features.Text(b), scale, Keys(b))),
        ];
    }

    public nn.Module Module => _features.Heads;
    public int BatchesPerEpoch => _terms.Max(t => Batches(t.Pairs.Length));

    public void BeginEpoch(int epoch, Random rng)
    {
        foreach (var t in _terms) t.Epoch = Shuffled(t.Pairs, rng);
    }

    public (Tensor Loss, long Samples)? Loss(int batch)
    {
        Tensor? loss = null;
        long samples = 0;
        foreach (var t in _terms)
        {
            if (Batch(t.Epoch, batch) is not { } p) continue;
            samples += p.A.Length;
            var term = t.Loss(p.A, p.B);
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

    private Tensor NextItemLoss(int[] a, int[] b) =>
        ContrastiveLoss.Symmetric(_features.Combined(a), _features.Combined(b), _features.Heads.logit_scale, Keys(b));

    /// <summary>The item ids of a batch's B side, as the loss's keys (on the heads' device).</summary>
    private Tensor Keys(int[] items)
    {
        var keys = torch.tensor(items.Select(i => (long)i).ToArray());
        var device = _features.Heads.logit_scale.device;
        return device.type == DeviceType.CPU ? keys : keys.to(device);
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
        foreach (var t in _terms) t.Dispose();
    }
}
