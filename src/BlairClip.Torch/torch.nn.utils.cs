using BlairClip.Torch.Modules;

namespace BlairClip.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>Utilities, as torch.nn.utils.</summary>
        public static class utils
        {
            /// <summary>
            /// Scales all gradients by min(1, max_norm / (‖g‖ + 1e-6)), ‖g‖ the <paramref name="norm_type"/>-norm of all
            /// gradients together; returns ‖g‖ before clipping.
            /// </summary>
            public static double clip_grad_norm_(IEnumerable<Parameter> parameters, double max_norm, double norm_type = 2) =>
                Native.ClipGradNorm(parameters.ToList(), max_norm, norm_type);
        }
    }
}
