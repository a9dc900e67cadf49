using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.ML;

namespace BlairClip.ML.Models;

/// <summary>Finds the loader of each <see cref="ModelEntryAttribute"/> signature among the loaded assemblies
/// (components in other assemblies, e.g. tensor-based towers, register themselves by being loaded).</summary>
public static class TransformerLoaders
{
    private static readonly ConcurrentDictionary<string, (Type Type, int Version)> Known = new(StringComparer.Ordinal);

    /// <summary>The signature and version of <paramref name="transformer"/>'s class.</summary>
    /// <exception cref="InvalidOperationException">The class has no <see cref="ModelEntryAttribute"/>.</exception>
    public static ModelEntryAttribute EntryOf(object transformer) =>
        transformer.GetType().GetCustomAttribute<ModelEntryAttribute>()
        ?? throw new InvalidOperationException($"{transformer.GetType().Name} cannot be saved: it has no [ModelEntry] attribute.");

    /// <summary>Registers a class explicitly (also done by scanning).</summary>
    public static void Register(Type type)
    {
        var attr = type.GetCustomAttribute<ModelEntryAttribute>()
            ?? throw new ArgumentException($"{type.Name} has no [ModelEntry] attribute.");
        Known[attr.Signature] = (type, attr.Version);
    }

    internal static (Type Type, int Version) Find(string signature)
    {
        if (Known.TryGetValue(signature, out var hit)) return hit;
        Experiments.PipelineSteps.LoadComponentAssemblies();
        foreach (var asm in AppDomain.CurrentDomain.GetAssemblies())
        {
            Type[] types;
            try { types = asm.GetTypes(); } catch (ReflectionTypeLoadException e) { types = e.Types.OfType<Type>().ToArray(); }
            foreach (var t in types)
                if (t.GetCustomAttribute<ModelEntryAttribute>() is { } a)
                    Known.TryAdd(a.Signature, (t, a.Version));
        }
        return Known.TryGetValue(signature, out hit) ? hit
            : throw new InvalidDataException($"No loader for model entry '{signature}' in this build (known: {string.Join(", ", Known.Keys.Order())}).");
    }

    internal static ITransformer Load(string signature, EntryReader context)
    {
        var (type, _) = Find(signature);
        var method = type.GetMethod("LoadEntry", BindingFlags.Public | BindingFlags.Static, [typeof(EntryReader)])
            ?? throw new InvalidOperationException($"{type.Name} has [ModelEntry] but no public static LoadEntry(EntryReader).");
        try
        {
            return (ITransformer)method.Invoke(null, [context])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
