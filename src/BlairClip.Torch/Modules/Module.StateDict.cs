namespace BlairClip.Torch.Modules;

/// <summary>Keys that <see cref="Module.load_state_dict"/> did not find in the module or in the dictionary.</summary>
public sealed record LoadStateDictResult(IReadOnlyList<string> missing_keys, IReadOnlyList<string> unexpected_keys);

/// <summary>A state dict does not fit a module: names the keys, and for shape mismatches the tensor and both shapes.</summary>
public sealed class StateDictException(string message) : Exception(message);

public abstract partial class Module
{
    /// <summary>
    /// Parameters and buffers by dotted name, as detached aliases sharing storage with the module (the caller
    /// owns the returned tensors).
    /// </summary>
    public Dictionary<string, Tensor> state_dict()
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, p) in named_parameters()) result[name] = p.detach().DetachFromDisposeScope();
        foreach (var (name, b) in named_buffers()) result[name] = b.detach().DetachFromDisposeScope();
        return result;
    }

    /// <summary>
    /// Copies <paramref name="state"/> into the module's parameters and buffers (converting dtype and device).
    /// Shape mismatches always throw. With <paramref name="strict"/>, any missing or unexpected key throws;
    /// otherwise they are returned.
    /// </summary>
    /// <exception cref="StateDictException">A shape mismatch (naming the key and both shapes), or with strict a
    /// missing/unexpected key (naming every one).</exception>
    public LoadStateDictResult load_state_dict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var own = named_parameters().Select(p => (p.name, (Tensor)p.parameter)).Concat(named_buffers()).ToList();
        var missing = own.Where(o => !state.ContainsKey(o.Item1)).Select(o => o.Item1).ToList();
        var ownNames = own.Select(o => o.Item1).ToHashSet(StringComparer.Ordinal);
        var unexpected = state.Keys.Where(k => !ownNames.Contains(k)).ToList();
        var mismatches = new List<string>();
        foreach (var (name, target) in own)
        {
            if (!state.TryGetValue(name, out var source)) continue;
            var (a, b) = (target.shape, source.shape);
            if (!a.SequenceEqual(b))
                mismatches.Add($"'{name}': checkpoint has shape [{string.Join(", ", b)}], module has [{string.Join(", ", a)}]");
        }
        if (mismatches.Count > 0)
            throw new StateDictException($"{GetType().Name}.load_state_dict: shape mismatch for {string.Join("; ", mismatches)}");
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
            throw new StateDictException(
                $"{GetType().Name}.load_state_dict (strict): missing keys [{string.Join(", ", missing)}], " +
                $"unexpected keys [{string.Join(", ", unexpected)}]");
        using (torch.no_grad())
            foreach (var (name, target) in own)
                if (state.TryGetValue(name, out var source)) target.copy_(source);
        return new LoadStateDictResult(missing, unexpected);
    }
}
