using TorchSharp.Modules;

namespace BlairClip.Towers.Loading;

/// <summary>What <see cref="StateDictLoader.Load"/> did with a checkpoint's keys.</summary>
/// <param name="MissingKeys">Module keys the checkpoint lacks (only optional ones when strict).</param>
/// <param name="UnexpectedKeys">Checkpoint keys no module key matches (empty when strict).</param>
/// <param name="IgnoredKeys">Checkpoint keys dropped on purpose (heads, persistent position-id buffers, the other tower).</param>
public sealed record LoadReport(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys, IReadOnlyList<string> IgnoredKeys);

/// <summary>How checkpoint keys map onto a module's keys.</summary>
/// <param name="StripPrefixes">Prefixes a stored key may carry that the module's keys do not (<c>roberta.</c>, <c>model.</c>).</param>
/// <param name="AddPrefixes">Prefixes the module's keys have that a stored key may lack (<c>vision_model.</c>).</param>
/// <param name="Ignore">Stored keys (after prefix handling) that are dropped without counting as unexpected.</param>
/// <param name="Optional">Module keys that may be missing without failing a strict load (e.g. RoBERTa's pooler).</param>
internal sealed record KeyMapping(
    IReadOnlyList<string> StripPrefixes,
    IReadOnlyList<string> AddPrefixes,
    Func<string, bool> Ignore,
    Func<string, bool> Optional);

/// <summary>Loads checkpoint tensors into a module whose field names are the checkpoint's keys.</summary>
internal static class StateDictLoader
{
    /// <summary>
    /// Maps every stored key onto the module's keys by trying it as is, then without each strip prefix, then with
    /// each add prefix; copies the matched tensors (converting dtype/device) and disposes <paramref name="tensors"/>.
    /// </summary>
    /// <exception cref="StateDictException">A shape mismatch (naming the key and both shapes), or with
    /// <paramref name="strict"/> any missing non-optional or unexpected key (naming every one and the source).</exception>
    public static LoadReport Load(nn.Module module, Dictionary<string, Tensor> tensors, KeyMapping mapping, string source, bool strict = true)
    {
        try
        {
            var own = module.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).Concat(module.named_buffers())
                .ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);
            var mapped = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            var unexpected = new List<string>();
            var ignored = new List<string>();
            foreach (var (key, tensor) in tensors)
            {
                var target = Candidates(key, mapping).FirstOrDefault(own.ContainsKey);
                if (target is not null && !mapped.ContainsKey(target)) mapped[target] = tensor;
                else if (Candidates(key, mapping).Any(mapping.Ignore)) ignored.Add(key);
                else unexpected.Add(key);
            }
            var missing = own.Keys.Where(k => !mapped.ContainsKey(k)).ToList();
            var mismatches = mapped.Where(m => !own[m.Key].shape.SequenceEqual(m.Value.shape))
                .Select(m => $"'{m.Key}': checkpoint has shape [{string.Join(", ", m.Value.shape)}], model expects [{string.Join(", ", own[m.Key].shape)}]")
                .ToList();
            if (mismatches.Count > 0)
                throw new StateDictException($"{source}: shape mismatch for {string.Join("; ", mismatches)}.");
            var requiredMissing = missing.Where(k => !mapping.Optional(k)).ToList();
            if (strict && (requiredMissing.Count > 0 || unexpected.Count > 0))
                throw new StateDictException(
                    $"{source}: weights do not match {module.GetType().Name}: missing keys [{string.Join(", ", requiredMissing)}], "
                    + $"unexpected keys [{string.Join(", ", unexpected)}].");
            using (torch.no_grad())
                foreach (var (key, tensor) in mapped) own[key].copy_(tensor);
            return new LoadReport(missing, unexpected, ignored);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    private static IEnumerable<string> Candidates(string key, KeyMapping mapping)
    {
        yield return key;
        foreach (var p in mapping.StripPrefixes)
            if (key.StartsWith(p, StringComparison.Ordinal)) yield return key[p.Length..];
        foreach (var p in mapping.AddPrefixes) yield return p + key;
    }
}
