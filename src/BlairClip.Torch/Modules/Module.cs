using System.Reflection;
using System.Runtime.CompilerServices;

namespace BlairClip.Torch.Modules;

/// <summary>
/// A tree of parameters, buffers and child modules, named as in PyTorch so that <see cref="state_dict"/> keys match
/// checkpoint keys one to one (<c>encoder.layer.0.attention.self.query.weight</c>). Derived classes declare
/// fields named as the checkpoint keys and call <see cref="RegisterComponents"/> at the end of their constructor.
/// </summary>
public abstract partial class Module : IDisposable
{
    private readonly List<(string Name, Parameter? Value)> _parameters = new();
    private readonly List<(string Name, Tensor Value)> _buffers = new();
    private readonly List<(string Name, Module Value)> _modules = new();

    /// <summary>True in training mode (dropout active); see <see cref="train"/> and <see cref="eval"/>.</summary>
    public bool training { get; private set; } = true;

    /// <summary>Registers <paramref name="parameter"/> under <paramref name="name"/> (null: declared but absent, like bias=False).</summary>
    /// <exception cref="ArgumentException">The name is empty, contains '.', or is already used.</exception>
    protected void register_parameter(string name, Parameter? parameter)
    {
        CheckName(name);
        _parameters.Add((name, parameter));
    }

    /// <summary>Registers a non-trainable tensor saved in the state dict (e.g. position ids).</summary>
    protected void register_buffer(string name, Tensor buffer)
    {
        CheckName(name);
        buffer.DetachFromDisposeScope();
        _buffers.Add((name, buffer));
    }

    /// <summary>Registers a child module under <paramref name="name"/>.</summary>
    protected void register_module(string name, Module module)
    {
        CheckName(name);
        _modules.Add((name, module));
    }

    /// <summary>
    /// Registers every field of type <see cref="Parameter"/> or <see cref="Module"/> declared by the concrete class
    /// chain, under the field's name, in declaration order. Fields already registered by name are skipped.
    /// </summary>
    protected void RegisterComponents()
    {
        var types = new Stack<Type>();
        for (var t = GetType(); t is not null && t != typeof(Module); t = t.BaseType) types.Push(t);
        foreach (var type in types)
        {
            var fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => f.GetCustomAttribute<CompilerGeneratedAttribute>() is null)
                .OrderBy(f => f.MetadataToken);
            foreach (var f in fields)
            {
                if (IsRegistered(f.Name)) continue;
                if (f.FieldType == typeof(Parameter)) register_parameter(f.Name, (Parameter?)f.GetValue(this));
                else if (typeof(Module).IsAssignableFrom(f.FieldType) && f.GetValue(this) is Module m) register_module(f.Name, m);
            }
        }
    }

    private bool IsRegistered(string name) =>
        _parameters.Any(p => p.Name == name) || _buffers.Any(b => b.Name == name) || _modules.Any(m => m.Name == name);

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: component name '{name}' must be non-empty and contain no '.'", nameof(name));
        if (IsRegistered(name))
            throw new ArgumentException($"{GetType().Name}: component name '{name}' is already registered", nameof(name));
    }

    /// <summary>Direct children with their names.</summary>
    public IEnumerable<(string name, Module module)> named_children() => _modules.Select(m => (m.Name, m.Value));

    /// <summary>This module and every descendant with dotted names ("" for this one).</summary>
    public IEnumerable<(string name, Module module)> named_modules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in _modules)
            foreach (var item in child.named_modules(Join(prefix, name)))
                yield return item;
    }

    /// <summary>Every parameter of this module and its descendants with dotted names, in registration order.</summary>
    public IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true)
    {
        foreach (var (prefix, module) in recurse ? named_modules() : [("", this)])
            foreach (var (name, p) in module._parameters)
                if (p is not null) yield return (Join(prefix, name), p);
    }

    /// <summary>Every parameter (see <see cref="named_parameters"/>).</summary>
    public IEnumerable<Parameter> parameters(bool recurse = true) => named_parameters(recurse).Select(p => p.parameter);

    /// <summary>Every buffer of this module and its descendants with dotted names.</summary>
    public IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true)
    {
        foreach (var (prefix, module) in recurse ? named_modules() : [("", this)])
            foreach (var (name, b) in module._buffers)
                yield return (Join(prefix, name), b);
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>Sets training mode on this module and every descendant; returns this.</summary>
    public Module train(bool mode = true)
    {
        foreach (var (_, m) in named_modules()) m.training = mode;
        return this;
    }

    /// <summary>Sets evaluation mode (dropout off); returns this.</summary>
    public Module eval() => train(false);

    /// <summary>Drops every parameter's gradient.</summary>
    public void zero_grad()
    {
        foreach (var p in parameters()) p.zero_grad();
    }

    /// <summary>
    /// Moves parameters and buffers to <paramref name="device"/> and converts floating-point ones to
    /// <paramref name="dtype"/> (integer buffers keep their dtype, as in PyTorch). Parameter objects keep their
    /// identity, so optimizers created before still hold them. Returns this.
    /// </summary>
    public Module to(Device? device = null, ScalarType? dtype = null)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var t in parameters().Cast<Tensor>().Concat(named_buffers().Select(b => b.buffer)))
        {
            var targetType = dtype is { } d && t.dtype.IsFloatingPoint() ? d : t.dtype;
            var moved = t.to(targetType, device ?? t.device);
            var requiresGrad = t.requires_grad;
            t.ReplaceWith(moved);
            if (requiresGrad) t.requires_grad = true;
        }
        return this;
    }

    /// <summary>Moves to <paramref name="device"/>; returns this.</summary>
    public Module to(Device device) => to(device, null);

    /// <summary>Converts floating-point parameters and buffers to <paramref name="dtype"/>; returns this.</summary>
    public Module to(ScalarType dtype) => to(null, dtype);

    /// <summary>Disposes every parameter and buffer of the tree.</summary>
    public virtual void Dispose()
    {
        foreach (var p in parameters()) p.Dispose();
        foreach (var (_, b) in named_buffers()) b.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A module with one input; <see cref="call"/> runs <see cref="forward"/> inside a dispose scope.</summary>
public abstract class Module<TInput, TOutput> : Module
{
    /// <summary>The computation; implementations may create temporaries freely, <see cref="call"/> frees them.</summary>
    public abstract TOutput forward(TInput input);

    /// <summary>
    /// Runs <see cref="forward"/> in a new dispose scope and moves the result (a tensor, or the tensors of a tuple)
    /// to the caller's scope, so intermediate tensors are freed when the call returns.
    /// </summary>
    public TOutput call(TInput input)
    {
        using var scope = torch.NewDisposeScope();
        var result = forward(input);
        switch (result)
        {
            case Tensor t: t.MoveToOuterScope(); break;
            case ITuple tuple:
                for (var i = 0; i < tuple.Length; i++)
                    if (tuple[i] is Tensor item) item.MoveToOuterScope();
                break;
        }
        return result;
    }
}
