namespace BlairClip.Towers.Training;

/// <summary>Warm-up then decay, as Hugging Face's <c>get_linear_schedule_with_warmup</c> and
/// <c>get_cosine_schedule_with_warmup</c>, on TorchSharp's <c>LambdaLR</c> (which TorchSharp has; the factors are ours).</summary>
public static class WarmupSchedules
{
    /// <summary>Linear warm-up over <paramref name="num_warmup_steps"/>, then linear decay to 0 at <paramref name="num_training_steps"/>.</summary>
    public static torch.optim.lr_scheduler.LRScheduler Linear(torch.optim.Optimizer optimizer, int num_warmup_steps, int num_training_steps) =>
        torch.optim.lr_scheduler.LambdaLR(optimizer, s => LinearFactor(s, num_warmup_steps, num_training_steps));

    /// <summary>Linear warm-up, then half-cosine decay to 0 at <paramref name="num_training_steps"/>.</summary>
    public static torch.optim.lr_scheduler.LRScheduler Cosine(torch.optim.Optimizer optimizer, int num_warmup_steps, int num_training_steps) =>
        torch.optim.lr_scheduler.LambdaLR(optimizer, s => CosineFactor(s, num_warmup_steps, num_training_steps));

    /// <summary>s / w for s &lt; w, then (T - s) / (T - w), down to 0 at s = T.</summary>
    public static double LinearFactor(long step, long warmup, long total) =>
        step < warmup ? (double)step / Math.Max(1, warmup)
        : Math.Max(0.0, (double)(total - step) / Math.Max(1, total - warmup));

    /// <summary>s / w for s &lt; w, then ½(1 + cos(π·(s - w)/(T - w))), 0 at s = T.</summary>
    public static double CosineFactor(long step, long warmup, long total)
    {
        if (step < warmup) return (double)step / Math.Max(1, warmup);
        var progress = Math.Min(1.0, (double)(step - warmup) / Math.Max(1, total - warmup));
        return 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
