using BlairClip.Torch.Modules;
using BlairClip.Torch.Optim;

namespace BlairClip.Torch;

public static partial class torch
{
    /// <summary>Optimizers and learning-rate schedules, as torch.optim.</summary>
    public static class optim
    {
        /// <summary>AdamW over one group of <paramref name="parameters"/>.</summary>
        public static AdamW AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weight_decay = 1e-2) =>
            new([new ParamGroup(parameters)], lr, betas ?? (0.9, 0.999), eps, weight_decay);

        /// <summary>AdamW over parameter groups (groups' own lr/weight_decay override the defaults here).</summary>
        public static AdamW AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8, double weight_decay = 1e-2) =>
            new(groups, lr, betas ?? (0.9, 0.999), eps, weight_decay);

        /// <summary>SGD over one group of <paramref name="parameters"/>.</summary>
        public static SGD SGD(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0, double weight_decay = 0, bool nesterov = false) =>
            new([new ParamGroup(parameters)], lr, momentum, dampening, weight_decay, nesterov);

        /// <summary>SGD over parameter groups.</summary>
        public static SGD SGD(IEnumerable<ParamGroup> groups, double lr, double momentum = 0, double dampening = 0, double weight_decay = 0, bool nesterov = false) =>
            new(groups, lr, momentum, dampening, weight_decay, nesterov);

        /// <summary>
        /// Two groups for <paramref name="module"/>: weights of rank ≥ 2 (linear, conv, embedding) with
        /// <paramref name="weight_decay"/>, and biases and norm scales (rank &lt; 2) without decay.
        /// </summary>
        public static ParamGroup[] param_groups_no_decay_on_bias_and_norm(Module module, double weight_decay)
        {
            var all = module.parameters().ToList();
            return
            [
                new ParamGroup(all.Where(p => p.ndim >= 2), weight_decay: weight_decay),
                new ParamGroup(all.Where(p => p.ndim < 2), weight_decay: 0),
            ];
        }

        /// <summary>Learning-rate schedulers, as torch.optim.lr_scheduler.</summary>
        public static class lr_scheduler
        {
            /// <summary>lr = initial_lr · <paramref name="lr_lambda"/>(step).</summary>
            public static LambdaLR LambdaLR(Optimizer optimizer, Func<long, double> lr_lambda) => new(optimizer, lr_lambda);

            /// <summary>Linear warm-up over <paramref name="num_warmup_steps"/>, then linear decay to 0 at <paramref name="num_training_steps"/>.</summary>
            public static LambdaLR linear_with_warmup(Optimizer optimizer, long num_warmup_steps, long num_training_steps) =>
                new(optimizer, s => LrSchedules.LinearWarmupDecay(s, num_warmup_steps, num_training_steps));

            /// <summary>Linear warm-up, then half-cosine decay to 0 at <paramref name="num_training_steps"/>.</summary>
            public static LambdaLR cosine_with_warmup(Optimizer optimizer, long num_warmup_steps, long num_training_steps) =>
                new(optimizer, s => LrSchedules.CosineWarmupDecay(s, num_warmup_steps, num_training_steps));
        }
    }
}
