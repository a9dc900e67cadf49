using BlairClip.Torch.Optim;

namespace BlairClip.Torch;

public static partial class torch
{
    /// <summary>Mixed-precision helpers, as torch.cuda.amp / torch.amp.</summary>
    public static class amp
    {
        /// <summary>A float16 loss scaler (see <see cref="BlairClip.Torch.GradScaler"/>).</summary>
        public static GradScaler GradScaler(double init_scale = 65536, double growth_factor = 2, double backoff_factor = 0.5, int growth_interval = 2000) =>
            new(init_scale, growth_factor, backoff_factor, growth_interval);
    }
}

/// <summary>
/// Dynamic loss scaling for float16 training, as torch.cuda.amp.GradScaler: backward on loss·scale, divide the
/// gradients by scale before the step, skip the step when any gradient is inf/NaN and multiply the scale by
/// backoff_factor; after growth_interval clean steps multiply it by growth_factor.
/// </summary>
public sealed class GradScaler
{
    private readonly double _growth, _backoff;
    private readonly int _interval;
    private int _cleanSteps;
    private readonly HashSet<Optimizer> _unscaled = new(ReferenceEqualityComparer.Instance);
    private bool _foundInf;

    internal GradScaler(double init_scale, double growth_factor, double backoff_factor, int growth_interval)
    {
        if (init_scale <= 0 || growth_factor <= 1 || backoff_factor is <= 0 or >= 1 || growth_interval <= 0)
            throw new ArgumentException($"GradScaler: need init_scale > 0, growth_factor > 1, 0 < backoff_factor < 1, growth_interval > 0; got {init_scale}, {growth_factor}, {backoff_factor}, {growth_interval}");
        (scale_value, _growth, _backoff, _interval) = (init_scale, growth_factor, backoff_factor, growth_interval);
    }

    /// <summary>Current scale.</summary>
    public double scale_value { get; private set; }

    /// <summary>loss · scale (backward on this).</summary>
    public Tensor scale(Tensor loss) => loss * scale_value;

    /// <summary>Divides the optimizer's gradients by the scale in place and records whether any is inf/NaN.</summary>
    public void unscale_(Optimizer optimizer)
    {
        if (!_unscaled.Add(optimizer)) throw new InvalidOperationException("unscale_ was already called for this optimizer since the last update()");
        using var scope = torch.NewDisposeScope();
        var grads = optimizer.param_groups.SelectMany(g => g.parameters).Select(p => p.grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return;
        var found = torch.zeros([1], ScalarType.Float32, grads[0].device);
        Native.AmpUnscale(grads, found, 1.0 / scale_value);
        _foundInf |= found.item() > 0;
    }

    /// <summary>Unscales if needed, then steps unless a gradient was inf/NaN. Returns whether it stepped.</summary>
    public bool step(Optimizer optimizer)
    {
        if (!_unscaled.Contains(optimizer)) unscale_(optimizer);
        if (_foundInf) return false;
        optimizer.step();
        return true;
    }

    /// <summary>Backs off after an overflow, grows after growth_interval clean steps; resets per-step state.</summary>
    public void update()
    {
        if (_foundInf)
        {
            scale_value *= _backoff;
            _cleanSteps = 0;
        }
        else if (++_cleanSteps >= _interval)
        {
            scale_value *= _growth;
            _cleanSteps = 0;
        }
        _foundInf = false;
        _unscaled.Clear();
    }
}
