using BlairClip.ML.Core;
using BlairClip.ML.Recommenders;
using BlairClip.Towers.Training;

namespace BlairClip.Towers.DualEncoder;

/// <summary>The training loop of <see cref="BlairClipEstimator"/> over frozen feature matrices (rows L2-normalised):
/// each step takes one batch of every enabled objective, sums their weighted InfoNCE, and takes one AdamW step.
/// An epoch is as many steps as the larger pair set has batches (the smaller one's batches repeat); batches are
/// reshuffled every epoch from the seeded stream, and a last batch of one pair (no negatives) is dropped.</summary>
internal sealed class DualEncoderTrainer(BlairClipOptions options, TextSource text, ImageSource image, int seed, IProgressReporter progress)
{

    /// <summary>After <see cref="Train"/>: optimizer steps taken, training pairs processed, and seconds spent in steps
    /// (validation excluded).</summary>
    public (int Steps, long Pairs, double Seconds) Throughput { get; private set; }

    /// <summary>Trains fresh heads; returns them with the mean loss of every epoch.</summary>
    /// <exception cref="InvalidOperationException">The loss became NaN or infinite; the message names the step.</exception>
    public (DualEncoderHeads Heads, float[] EpochLoss) Train((int A, int B)[] textImage, (int A, int B)[] nextItem, DualEncoderValidator? validator = null,
        Roberta.RobertaModel? textTower = null, Clip.ClipVisionTransformer? imageTower = null)
    {
        var heads = new DualEncoderHeads(text.Dimension, image.Dimension, options.ProjectionDim, seed, textTower, imageTower);
        var curve = new float[options.Epochs];
        int perEpoch = Math.Max(Batches(textImage.Length), Batches(nextItem.Length));
        int total = perEpoch * options.Epochs;
        if (total == 0) return (heads, curve);

        var rng = new Random(seed);
        // Gradient accumulation: one optimizer update per `accumulate` batches (and at the end of every epoch); the
        // schedule counts updates.
        int accumulate = options.GradientAccumulation;
        int updates = options.Epochs * ((perEpoch + accumulate - 1) / accumulate);
        using var optimizer = torch.optim.AdamW(ParameterGroups.NoDecayOnBiasAndNorm(heads, options.WeightDecay), lr: options.LearningRate);
        int warmup = (int)Math.Round(options.WarmupRatio * updates);
        var schedule = options.Schedule == DecaySchedule.Cosine
            ? WarmupSchedules.Cosine(optimizer, warmup, updates) : WarmupSchedules.Linear(optimizer, warmup, updates);
        using var accumulation = ((double)accumulate).ToScalar();
        int update = 0;
        optimizer.zero_grad();
        using var task = progress.Start("BLaIR-CLIP steps", total);
        using var textImageWeight = ((double)options.TextImageWeight).ToScalar();
        using var nextItemWeight = ((double)options.NextItemWeight).ToScalar();
        int step = 0;
        long pairsSeen = 0;
        var clock = new System.Diagnostics.Stopwatch();
        double sinceEval = 0;
        int sinceEvalSteps = 0;
        bool stop = false;
        int epochsRun = 0;
        for (int epoch = 0; epoch < options.Epochs && !stop; epoch++, epochsRun++)
        {
            var ti = Shuffled(textImage, rng);
            var ni = Shuffled(nextItem, rng);
            double sum = 0;
            int counted = 0;
            for (int s = 0; s < perEpoch; s++, step++)
            {
                clock.Start();
                using var noGc = NoGcRegion.Enter();
                using var scope = torch.NewDisposeScope();
                Tensor? loss = null;
                if (Batch(ti, s) is { } p)
                {
                    pairsSeen += p.A.Length;
                    loss = ContrastiveLoss.Symmetric(heads.Text(text.Features(heads, p.A)), heads.Image(image.Features(heads, p.B)), heads.logit_scale).mul(textImageWeight);
                }
                if (Batch(ni, s) is { } q)
                {
                    pairsSeen += q.A.Length;
                    var term = ContrastiveLoss.Symmetric(
                        heads.Combined(text.Features(heads, q.A), image.Features(heads, q.A)), heads.Combined(text.Features(heads, q.B), image.Features(heads, q.B)),
                        heads.logit_scale, torch.tensor(q.B.Select(i => (long)i).ToArray())).mul(nextItemWeight);
                    loss = loss is null ? term : loss + term;
                }
                task.Advance();
                bool endOfEpoch = s == perEpoch - 1;
                bool updateNow = (s + 1) % accumulate == 0 || endOfEpoch;
                if (loss is not null)
                {
                    float value = loss.item<float>();
                    if (!float.IsFinite(value))
                        throw new InvalidOperationException($"BLaIR-CLIP: the loss is {value} at step {step} (epoch {epoch}); lower learning_rate, or check the feature columns for NaN/inf.");
                    (accumulate == 1 ? loss : loss.div(accumulation)).backward();
                    sum += value;
                    counted++;
                    sinceEval += value;
                    sinceEvalSteps++;
                }
                if (updateNow)
                {
                    if (options.MaxGradNorm > 0) nn.utils.clip_grad_norm_(heads.parameters(), options.MaxGradNorm);
                    optimizer.step();
                    schedule.step();
                    optimizer.zero_grad();
                    update++;
                }
                clock.Stop();
                if (loss is null || !updateNow) continue;
                if (update % 10 == 0 || endOfEpoch)
                    task.Describe(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"epoch {epoch + 1}/{options.Epochs}, loss {sum / Math.Max(1, counted):F3}, lr {optimizer.ParamGroups.First().LearningRate:G3}, {pairsSeen / Math.Max(1e-9, clock.Elapsed.TotalSeconds):F0} pairs/s"));
                if (validator is not null && (options.EvalEvery > 0 ? update % options.EvalEvery == 0 : endOfEpoch))
                {
                    stop = validator.Evaluate(heads, update, sinceEval / Math.Max(1, sinceEvalSteps));
                    sinceEval = 0; sinceEvalSteps = 0;
                    if (stop) break;
                }
            }
            curve[epoch] = counted == 0 ? float.NaN : (float)(sum / counted);
        }
        Throughput = (update, pairsSeen, clock.Elapsed.TotalSeconds);
        validator?.RestoreBest(heads);
        return (heads, curve[..epochsRun]);
    }

    /// <summary>Every item's vector in <paramref name="mode"/>, <c>[items, projection_dim]</c> row-major (zero rows for
    /// items without features in the modality used).</summary>
    public float[] ItemVectors(DualEncoderHeads heads, DualEncoderMode mode)
    {
        int n = text.Rows, d = options.ProjectionDim;
        var values = new float[(long)n * d];
        using var _ = torch.no_grad();
        int chunk = Math.Min(text.EncodeChunk, image.EncodeChunk);
        for (int start = 0; start < n; start += chunk)
        {
            using var noGc = NoGcRegion.Enter();
            using var scope = torch.NewDisposeScope();
            var rows = Enumerable.Range(start, Math.Min(chunk, n - start)).ToArray();
            var v = mode switch
            {
                DualEncoderMode.Text => heads.Text(text.Features(heads, rows)),
                DualEncoderMode.Image => heads.Image(image.Features(heads, rows)),
                _ => heads.Combined(text.Features(heads, rows), image.Features(heads, rows)),
            };
            v.data<float>().CopyTo(values.AsSpan(start * d, rows.Length * d));
        }
        return values;
    }

    /// <summary>The mean next-item InfoNCE of the combined vectors over <paramref name="pairs"/> in batches (no gradient).</summary>
    public double PairLoss(DualEncoderHeads heads, (int A, int B)[] pairs)
    {
        using var _ = torch.no_grad();
        double sum = 0;
        int batches = 0;
        for (int s = 0; s < Batches(pairs.Length); s++)
        {
            if (Batch(pairs, s) is not { } q) continue;
            using var noGc = NoGcRegion.Enter();
            using var scope = torch.NewDisposeScope();
            sum += ContrastiveLoss.Symmetric(heads.Combined(text.Features(heads, q.A), image.Features(heads, q.A)), heads.Combined(text.Features(heads, q.B), image.Features(heads, q.B)),
                heads.logit_scale, torch.tensor(q.B.Select(i => (long)i).ToArray())).item<float>();
            batches++;
        }
        return batches == 0 ? double.NaN : sum / batches;
    }

    private int Batches(int pairs) => pairs < 2 ? 0 : (pairs + options.BatchSize - 1) / options.BatchSize;

    /// <summary>Batch <c>s mod batches</c> of <paramref name="pairs"/> as (A rows, B rows), or null (none, or a single pair).</summary>
    private (int[] A, int[] B)? Batch((int A, int B)[] pairs, int s)
    {
        int batches = Batches(pairs.Length);
        if (batches == 0) return null;
        int start = s % batches * options.BatchSize, end = Math.Min(pairs.Length, start + options.BatchSize);
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

    /// <summary>Rows <paramref name="rows"/> of <paramref name="m"/> as a dense float32 tensor <c>[rows, dim]</c>, written
    /// straight into libtorch's (zeroed, contiguous) storage, so a step allocates little managed memory.</summary>
    internal static Tensor Rows(ItemMatrix m, int[] rows)
    {
        var t = torch.zeros(rows.Length, m.Dimension);
        Fill(m, rows, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.bytes));
        return t;
    }

    private static void Fill(ItemMatrix m, int[] rows, Span<float> dense)
    {
        int d = m.Dimension;
        for (int k = 0; k < rows.Length; k++)
        {
            var values = m.Row(rows[k]);
            var target = dense.Slice(k * d, d);
            if (m.IsDense) { values.CopyTo(target); continue; }
            var indices = m.RowIndices(rows[k]);
            for (int e = 0; e < values.Length; e++) target[indices[e]] = values[e];
        }
    }
}
