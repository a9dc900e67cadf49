namespace BlairClip.Towers.Training;

/// <summary>
/// Dynamic loss scaling for float16 training, as <c>torch.amp.GradScaler</c>: backward on <c>loss · scale</c>, divide the
/// gradients by the scale before the step, skip the step when any gradient is inf/NaN and multiply the scale by
/// <c>backoff_factor</c>; after <c>growth_interval</c> clean steps multiply it by <c>growth_factor</c>.
/// </summary>
/// <remarks>TorchSharp 0.107 has no GradScaler; this one uses only TorchSharp tensor ops (one host sync per step, for
/// the inf/NaN flag). bfloat16 needs no scaler.</remarks>
public sealed class GradScaler
{
    private readonly double _growth, _backoff;
    private readonly int _interval;
    private int _cleanSteps;
    private readonly HashSet<torch.optim.Optimizer> _unscaled = new(ReferenceEqualityComparer.Instance);
    private bool _foundInf;

    /// <exception cref="ArgumentException">A factor or the interval is out of range (all four values named).</exception>
    public GradScaler(double init_scale = 65536, double growth_factor = 2, double backoff_factor = 0.5, int growth_interval = 2000)
    {
        if (init_scale <= 0 || growth_factor <= 1 || backoff_factor is <= 0 or >= 1 || growth_interval <= 0)
            throw new ArgumentException(
                $"GradScaler needs init_scale > 0, growth_factor > 1, 0 < backoff_factor < 1 and growth_interval > 0, but got "
                + $"{init_scale}, {growth_factor}, {backoff_factor}, {growth_interval}.");
        (scale_value, _growth, _backoff, _interval) = (init_scale, growth_factor, backoff_factor, growth_interval);
    }

    /// <summary>The current scale.</summary>
    public double scale_value { get; private set; }

    /// <summary><c>loss · scale</c>: call backward on this.</summary>
    public Tensor scale(Tensor loss) => loss * scale_value;

    /// <summary>Divides <paramref name="optimizer"/>'s gradients by the scale in place and records whether any is inf/NaN
    /// (call before clipping gradients).</summary>
    /// <exception cref="InvalidOperationException">Called twice for one optimizer before <see cref="update"/>.</exception>
    public void unscale_(torch.optim.Optimizer optimizer)
    {
        if (!_unscaled.Add(optimizer))
            throw new InvalidOperationException("unscale_ was already called for this optimizer since the last update().");
        using var scope = torch.NewDisposeScope();
        var inverse = 1.0 / scale_value;
        Tensor? bad = null;
        using (torch.no_grad())
            foreach (var p in optimizer.parameters())
            {
                if (p.grad is not { } g) continue;
                g.mul_(inverse);
                var nonFinite = g.isfinite().logical_not().any();
                bad = bad is null ? nonFinite : bad.logical_or(nonFinite);
            }
        if (bad is not null) _foundInf |= bad.item<bool>();
    }

    /// <summary>Unscales if needed, then steps unless a gradient was inf/NaN. Returns whether it stepped.</summary>
    public bool step(torch.optim.Optimizer optimizer)
    {
        if (!_unscaled.Contains(optimizer)) unscale_(optimizer);
        if (_foundInf) return false;
        optimizer.step();
        return true;
    }

    /// <summary>Adjusts the scale after a step: back off on inf/NaN, grow after <c>growth_interval</c> clean steps.</summary>
    public void update()
    {
        if (_foundInf) { scale_value *= _backoff; _cleanSteps = 0; }
        else if (++_cleanSteps >= _interval) { scale_value *= _growth; _cleanSteps = 0; }
        _foundInf = false;
        _unscaled.Clear();
    }
}
