using System.Globalization;
using BlairClip.Torch.Modules;

namespace BlairClip.Torch.Optim;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter 2019), as torch.optim.AdamW. Per step t, for each parameter p with gradient g:
/// p ← p(1 - lr·wd); m ← β₁m + (1-β₁)g; v ← β₂v + (1-β₂)g²;
/// p ← p - lr · (m / (1-β₁ᵗ)) / (√(v / (1-β₂ᵗ)) + ε). Runs in place with libtorch ops, outside autograd.
/// </summary>
public sealed class AdamW : Optimizer
{
    private readonly double _beta1, _beta2, _eps;
    private readonly Dictionary<Parameter, State> _state = new(ReferenceEqualityComparer.Instance);

    private sealed class State(Tensor expAvg, Tensor expAvgSq)
    {
        public long Step;
        public Tensor ExpAvg { get; set; } = expAvg;
        public Tensor ExpAvgSq { get; set; } = expAvgSq;
    }

    internal AdamW(IEnumerable<ParamGroup> groups, double lr, (double, double) betas, double eps, double weight_decay)
        : base(groups, lr, weight_decay)
    {
        (_beta1, _beta2, _eps) = (betas.Item1, betas.Item2, eps);
        if (_beta1 is < 0 or >= 1 || _beta2 is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(betas), betas, "betas must be in [0, 1)");
        if (eps < 0) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be >= 0");
    }

    /// <summary>Step count of <paramref name="p"/> (0 before its first update).</summary>
    public long step_count(Parameter p) => _state.TryGetValue(p, out var s) ? s.Step : 0;

    /// <inheritdoc/>
    public override void step()
    {
        using var scope = torch.NewDisposeScope();
        foreach (var group in param_groups)
            foreach (var p in group.parameters)
            {
                var g = p.grad;
                if (g is null) continue;
                var s = StateOf(p);
                s.Step++;
                Native.AdamWStep(p, g, s.ExpAvg, s.ExpAvgSq, group.lr, _beta1, _beta2, _eps, group.weight_decay, s.Step);
            }
    }

    private State StateOf(Parameter p)
    {
        if (_state.TryGetValue(p, out var s)) return s;
        using (torch.no_grad())
        {
            var m = torch.zeros(p.shape, p.dtype, p.device).DetachFromDisposeScope();
            var v = torch.zeros(p.shape, p.dtype, p.device).DetachFromDisposeScope();
            return _state[p] = new State(m, v);
        }
    }

    private protected override IEnumerable<(string name, Tensor tensor)> StateTensors()
    {
        var ps = AllParameters;
        for (var i = 0; i < ps.Count; i++)
            if (_state.TryGetValue(ps[i], out var s))
            {
                yield return ($"state.{i}.exp_avg", s.ExpAvg);
                yield return ($"state.{i}.exp_avg_sq", s.ExpAvgSq);
            }
    }

    private protected override IEnumerable<(string name, long value)> StateScalars()
    {
        var ps = AllParameters;
        for (var i = 0; i < ps.Count; i++)
            if (_state.TryGetValue(ps[i], out var s)) yield return ($"state.{i}.step", s.Step);
    }

    private protected override void RestoreState(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> scalars)
    {
        var ps = AllParameters;
        for (var i = 0; i < ps.Count; i++)
        {
            if (!scalars.TryGetValue($"state.{i}.step", out var step)) continue;
            var s = StateOf(ps[i]);
            s.Step = long.Parse(step, CultureInfo.InvariantCulture);
            using (torch.no_grad())
            {
                s.ExpAvg.copy_(tensors[$"state.{i}.exp_avg"]);
                s.ExpAvgSq.copy_(tensors[$"state.{i}.exp_avg_sq"]);
            }
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        foreach (var s in _state.Values) { s.ExpAvg.Dispose(); s.ExpAvgSq.Dispose(); }
        _state.Clear();
    }
}
