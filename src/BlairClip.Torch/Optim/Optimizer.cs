using System.Globalization;
using BlairClip.Torch.Modules;

namespace BlairClip.Torch.Optim;

/// <summary>Parameters updated with one set of hyper-parameters (learning rate, weight decay).</summary>
public sealed class ParamGroup
{
    /// <summary>Creates a group; null options take the optimizer's defaults.</summary>
    public ParamGroup(IEnumerable<Parameter> parameters, double? lr = null, double? weight_decay = null)
    {
        this.parameters = parameters.ToList();
        LrOverride = lr;
        WeightDecayOverride = weight_decay;
    }

    /// <summary>The group's parameters.</summary>
    public IReadOnlyList<Parameter> parameters { get; }
    /// <summary>Current learning rate (schedulers change it).</summary>
    public double lr { get; set; }
    /// <summary>Learning rate the group started with (schedulers scale it).</summary>
    public double initial_lr { get; internal set; }
    /// <summary>Decoupled (AdamW) or L2 (SGD) weight decay.</summary>
    public double weight_decay { get; set; }
    internal double? LrOverride { get; }
    internal double? WeightDecayOverride { get; }
}

/// <summary>Shared optimizer machinery: parameter groups, zero_grad and state save/load.</summary>
public abstract class Optimizer : IDisposable
{
    private protected Optimizer(IEnumerable<ParamGroup> groups, double lr, double weightDecay)
    {
        if (lr < 0) throw new ArgumentOutOfRangeException(nameof(lr), lr, "learning rate must be >= 0");
        param_groups = groups.ToList();
        foreach (var g in param_groups)
        {
            g.lr = g.initial_lr = g.LrOverride ?? lr;
            g.weight_decay = g.WeightDecayOverride ?? weightDecay;
        }
        var all = param_groups.SelectMany(g => g.parameters).ToList();
        if (all.Count == 0) throw new ArgumentException("optimizer got an empty parameter list");
        if (all.Distinct(ReferenceEqualityComparer.Instance).Count() != all.Count)
            throw new ArgumentException("some parameters appear in more than one parameter group");
    }

    /// <summary>The parameter groups, in order.</summary>
    public IReadOnlyList<ParamGroup> param_groups { get; }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public abstract void step();

    /// <summary>Drops every parameter's gradient.</summary>
    public void zero_grad()
    {
        foreach (var p in param_groups.SelectMany(g => g.parameters)) p.zero_grad();
    }

    /// <summary>Per-parameter state tensors by name (index in the flattened group order).</summary>
    private protected abstract IEnumerable<(string name, Tensor tensor)> StateTensors();

    /// <summary>Per-parameter scalar state (e.g. step counts) by name.</summary>
    private protected abstract IEnumerable<(string name, long value)> StateScalars();

    /// <summary>Restores one state tensor/scalar by name (after shape checks).</summary>
    private protected abstract void RestoreState(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> scalars);

    /// <summary>Flattened parameter order used by state keys ("state.{i}.exp_avg").</summary>
    private protected IReadOnlyList<Parameter> AllParameters => param_groups.SelectMany(g => g.parameters).ToList();

    /// <summary>
    /// Saves the optimizer state for resuming: a safetensors file whose tensors are <c>state.{i}.{name}</c>
    /// (i = parameter index over the groups in order) and whose metadata holds step counts
    /// (<c>state.{i}.step</c>), each group's <c>lr</c>/<c>initial_lr</c>/<c>weight_decay</c>, and the optimizer type.
    /// </summary>
    public void save(string path)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["optimizer"] = GetType().Name, ["format_version"] = "1" };
        for (var i = 0; i < param_groups.Count; i++)
        {
            metadata[$"group.{i}.lr"] = param_groups[i].lr.ToString("R", CultureInfo.InvariantCulture);
            metadata[$"group.{i}.initial_lr"] = param_groups[i].initial_lr.ToString("R", CultureInfo.InvariantCulture);
            metadata[$"group.{i}.weight_decay"] = param_groups[i].weight_decay.ToString("R", CultureInfo.InvariantCulture);
        }
        foreach (var (name, value) in StateScalars()) metadata[name] = value.ToString(CultureInfo.InvariantCulture);
        torch.save_safetensors(path, StateTensors().ToDictionary(t => t.name, t => t.tensor), metadata);
    }

    /// <summary>Loads state written by <see cref="save"/> for the same parameters in the same order.</summary>
    /// <exception cref="InvalidDataException">The file was written by another optimizer type, for other groups, or
    /// a state tensor's shape differs from its parameter (the message names the key and both shapes).</exception>
    public void load(string path)
    {
        var file = BlairClip.ML.IO.SafeTensorsFile.Load(path);
        var meta = file.Metadata;
        if (!meta.TryGetValue("optimizer", out var type) || type != GetType().Name)
            throw new InvalidDataException($"{path}: optimizer state was written by '{type ?? "(none)"}', expected '{GetType().Name}'");
        for (var i = 0; i < param_groups.Count; i++)
        {
            if (!meta.TryGetValue($"group.{i}.lr", out var lr))
                throw new InvalidDataException($"{path}: no state for parameter group {i} (the file has fewer groups)");
            param_groups[i].lr = double.Parse(lr, CultureInfo.InvariantCulture);
            param_groups[i].initial_lr = double.Parse(meta[$"group.{i}.initial_lr"], CultureInfo.InvariantCulture);
            param_groups[i].weight_decay = double.Parse(meta[$"group.{i}.weight_decay"], CultureInfo.InvariantCulture);
        }
        var parameters = AllParameters;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var info in file.Tensors)
            {
                var parts = info.Name.Split('.');
                if (parts.Length != 3 || parts[0] != "state" || !int.TryParse(parts[1], out var index) || index >= parameters.Count)
                    throw new InvalidDataException($"{path}: unexpected state tensor '{info.Name}' for {parameters.Count} parameters");
                var expected = parameters[index].shape;
                if (!expected.SequenceEqual(info.Shape))
                    throw new InvalidDataException($"{path}: '{info.Name}' has shape [{string.Join(", ", info.Shape)}], parameter {index} has [{string.Join(", ", expected)}]");
                tensors[info.Name] = torch.from_bytes(file.GetBytes(info.Name), info.DType, info.Shape, parameters[index].device).DetachFromDisposeScope();
            }
            RestoreState(tensors, meta);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>Releases the state tensors.</summary>
    public abstract void Dispose();
}
