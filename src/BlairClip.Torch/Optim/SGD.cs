using BlairClip.Torch.Modules;

namespace BlairClip.Torch.Optim;

/// <summary>
/// Stochastic gradient descent with momentum, as torch.optim.SGD: d = g + wd·p; b ← μb + (1-τ)d (b = d on the first
/// step); d = nesterov ? d + μb : b; p ← p - lr·d.
/// </summary>
public sealed class SGD : Optimizer
{
    private readonly double _momentum, _dampening;
    private readonly bool _nesterov;
    private readonly Dictionary<Parameter, Tensor> _buffers = new(ReferenceEqualityComparer.Instance);

    internal SGD(IEnumerable<ParamGroup> groups, double lr, double momentum, double dampening, double weight_decay, bool nesterov)
        : base(groups, lr, weight_decay)
    {
        if (momentum < 0) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be >= 0");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("nesterov momentum requires momentum > 0 and dampening = 0");
        (_momentum, _dampening, _nesterov) = (momentum, dampening, nesterov);
    }

    /// <inheritdoc/>
    public override void step()
    {
        using var scope = torch.NewDisposeScope();
        foreach (var group in param_groups)
            foreach (var p in group.parameters)
            {
                var g = p.grad;
                if (g is null) continue;
                Tensor? buffer = null;
                var first = false;
                if (_momentum != 0 && !_buffers.TryGetValue(p, out buffer))
                {
                    buffer = _buffers[p] = torch.zeros(p.shape, p.dtype, p.device).DetachFromDisposeScope();
                    first = true;
                }
                Native.SgdStep(p, g, buffer, group.lr, _momentum, _dampening, group.weight_decay, _nesterov, first);
            }
    }

    private protected override IEnumerable<(string name, Tensor tensor)> StateTensors()
    {
        var ps = AllParameters;
        for (var i = 0; i < ps.Count; i++)
            if (_buffers.TryGetValue(ps[i], out var b)) yield return ($"state.{i}.momentum_buffer", b);
    }

    private protected override IEnumerable<(string name, long value)> StateScalars() => [];

    private protected override void RestoreState(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> scalars)
    {
        var ps = AllParameters;
        for (var i = 0; i < ps.Count; i++)
            if (tensors.TryGetValue($"state.{i}.momentum_buffer", out var t))
            {
                if (!_buffers.TryGetValue(ps[i], out var b))
                    b = _buffers[ps[i]] = torch.zeros(ps[i].shape, ps[i].dtype, ps[i].device).DetachFromDisposeScope();
                using (torch.no_grad()) b.copy_(t);
            }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        foreach (var b in _buffers.Values) b.Dispose();
        _buffers.Clear();
    }
}
