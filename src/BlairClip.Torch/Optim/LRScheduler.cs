namespace BlairClip.Torch.Optim;

/// <summary>
/// Sets every group's lr to initial_lr · factor(step) after each <see cref="step"/>, as torch.optim.lr_scheduler.LambdaLR.
/// The factor at step 0 is applied on construction.
/// </summary>
public sealed class LambdaLR
{
    private readonly Optimizer _optimizer;
    private readonly Func<long, double> _factor;

    internal LambdaLR(Optimizer optimizer, Func<long, double> factor)
    {
        (_optimizer, _factor) = (optimizer, factor);
        Apply();
    }

    /// <summary>Number of <see cref="step"/> calls so far (restore it with <see cref="set_step"/> when resuming).</summary>
    public long last_step { get; private set; }

    /// <summary>Advances one step and updates the learning rates.</summary>
    public void step()
    {
        last_step++;
        Apply();
    }

    /// <summary>Jumps to <paramref name="step"/> (for resuming) and updates the learning rates.</summary>
    public void set_step(long step)
    {
        last_step = step;
        Apply();
    }

    /// <summary>Current learning rate of each group.</summary>
    public IReadOnlyList<double> get_last_lr() => _optimizer.param_groups.Select(g => g.lr).ToList();

    private void Apply()
    {
        var f = _factor(last_step);
        foreach (var g in _optimizer.param_groups) g.lr = g.initial_lr * f;
    }
}

/// <summary>Learning-rate factors used by the schedulers (as in Hugging Face's get_*_schedule_with_warmup).</summary>
public static class LrSchedules
{
    /// <summary>s / w for s &lt; w, then (T - s) / (T - w) down to 0 at s = T.</summary>
    public static double LinearWarmupDecay(long step, long warmup, long total) =>
        step < warmup ? (double)step / Math.Max(1, warmup)
        : Math.Max(0.0, (double)(total - step) / Math.Max(1, total - warmup));

    /// <summary>s / w for s &lt; w, then ½(1 + cos(π·(s - w)/(T - w))) (0 at s = T).</summary>
    public static double CosineWarmupDecay(long step, long warmup, long total)
    {
        if (step < warmup) return (double)step / Math.Max(1, warmup);
        var progress = Math.Min(1.0, (double)(step - warmup) / Math.Max(1, total - warmup));
        return 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
