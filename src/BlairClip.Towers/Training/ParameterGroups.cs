using TorchSharp.Modules;

namespace BlairClip.Towers.Training;

/// <summary>AdamW parameter groups as transformer fine-tuning uses them.</summary>
public static class ParameterGroups
{
    /// <summary>
    /// Two AdamW groups of <paramref name="module"/>'s trainable parameters: weights of rank ≥ 2 (linear, conv, embedding)
    /// with <paramref name="weight_decay"/>, and biases and norm scales (rank &lt; 2, incl. CLIP's 0-dim logit_scale)
    /// without. Frozen parameters (requires_grad false) are left out.
    /// </summary>
    public static AdamW.ParamGroup[] NoDecayOnBiasAndNorm(nn.Module module, double weight_decay)
    {
        var all = module.parameters().Where(p => p.requires_grad).ToList();
        return
        [
            new AdamW.ParamGroup(all.Where(p => p.ndim >= 2), new AdamW.Options { weight_decay = weight_decay }),
            new AdamW.ParamGroup(all.Where(p => p.ndim < 2), new AdamW.Options { weight_decay = 0 }),
        ];
    }
}
