using System.Reflection;
using Microsoft.ML;
using BlairClip.ML.Core;
using BlairClip.ML.Recommenders;

namespace BlairClip.ML.Experiments;

/// <summary>The estimators usable as pipeline steps — ML.NET estimators over the item table (ours and adapters for
/// ML.NET's own transforms) and recommender estimators: every class with <see cref="PipelineStepAttribute"/> in the
/// loaded assemblies and in the <c>BlairClip.*.dll</c> files beside the program (so tensor-based steps, e.g. the
/// tower encoders, register by being deployed with it).</summary>
public static class PipelineSteps
{
    private static readonly Lazy<Dictionary<string, (Type Estimator, Type Options)>> All = new(Scan);

    /// <summary>Registered step names.</summary>
    public static IReadOnlyCollection<string> Names => All.Value.Keys;

    /// <summary>The estimator and options types of step <paramref name="name"/>, or false.</summary>
    public static bool TryGet(string name, out Type estimator, out Type options)
    {
        if (All.Value.TryGetValue(name, out var hit)) { (estimator, options) = hit; return true; }
        estimator = options = null!;
        return false;
    }

    /// <summary>Creates the estimator of <paramref name="estimator"/> type with its options: the constructor
    /// <c>(BlairClipContext, TOptions)</c>, further parameters at their defaults.</summary>
    /// <exception cref="InvalidOperationException">The class has no such constructor (a registration error).</exception>
    public static object Create(Type estimator, BlairClipContext context, object options)
    {
        var ctor = estimator.GetConstructors().FirstOrDefault(c =>
            c.GetParameters() is { Length: >= 2 } p && p[0].ParameterType == typeof(BlairClipContext) && p[1].ParameterType.IsInstanceOfType(options)
            && p.Skip(2).All(x => x.HasDefaultValue))
            ?? throw new InvalidOperationException($"Pipeline step {estimator.Name} needs a public constructor ({nameof(BlairClipContext)}, {options.GetType().Name}, optional parameters…).");
        try
        {
            return ctor.Invoke([context, options, .. ctor.GetParameters().Skip(2).Select(p => p.DefaultValue)]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>True when <paramref name="estimator"/> is a recommender estimator (a pipeline's last step).</summary>
    public static bool IsRecommender(Type estimator) => typeof(IRecommenderEstimator).IsAssignableFrom(estimator);

    /// <summary>True when <paramref name="estimator"/> is an ML.NET estimator over the item table (a pipeline's other steps).</summary>
    public static bool IsItemStep(Type estimator) => !IsRecommender(estimator) && typeof(IEstimator<ITransformer>).IsAssignableFrom(estimator);

    /// <summary>Loads the <c>BlairClip.*.dll</c> assemblies in the program's folder that are not loaded yet, so that
    /// scans for <see cref="PipelineStepAttribute"/> and model entries see components no code has touched yet.</summary>
    internal static void LoadComponentAssemblies()
    {
        var loaded = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var dll in Directory.EnumerateFiles(AppContext.BaseDirectory, "BlairClip.*.dll"))
        {
            var name = Path.GetFileNameWithoutExtension(dll);
            if (loaded.Contains(name) || name.EndsWith(".Tests", StringComparison.OrdinalIgnoreCase)) continue;
            try { Assembly.Load(new AssemblyName(name)); }
            catch (Exception e) when (e is FileLoadException or BadImageFormatException or FileNotFoundException) { }
        }
    }

    private static Dictionary<string, (Type, Type)> Scan()
    {
        LoadComponentAssemblies();
        var found = new Dictionary<string, (Type, Type)>(StringComparer.Ordinal);
        foreach (var asm in AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic))
        {
            Type[] types;
            try { types = asm.GetTypes(); } catch (ReflectionTypeLoadException e) { types = e.Types.OfType<Type>().ToArray(); }
            foreach (var t in types)
                if (t.GetCustomAttribute<PipelineStepAttribute>() is { } a)
                    found[a.Name] = (t, a.OptionsType);
        }
        return found;
    }
}
