namespace BlairClip.Torch.Modules;

/// <summary>Submodules named "0", "1", … (so checkpoint keys like <c>layer.3.output.dense.weight</c> map directly).</summary>
public sealed class ModuleList : Module, IReadOnlyList<Module>
{
    private readonly List<Module> _items = new();

    internal ModuleList(IEnumerable<Module> modules)
    {
        foreach (var m in modules) append(m);
    }

    /// <summary>Adds <paramref name="module"/> under the next index.</summary>
    public void append(Module module)
    {
        register_module(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _items.Add(module);
    }

    /// <inheritdoc/>
    public Module this[int index] => _items[index];
    /// <inheritdoc/>
    public int Count => _items.Count;
    /// <inheritdoc/>
    public IEnumerator<Module> GetEnumerator() => _items.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Applies its modules in order: forward(x) = mₙ(…m₁(x)).</summary>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor>[] _modules;

    internal Sequential(Module<Tensor, Tensor>[] modules)
    {
        _modules = modules;
        for (var i = 0; i < modules.Length; i++) register_module(i.ToString(System.Globalization.CultureInfo.InvariantCulture), modules[i]);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var x = input;
        foreach (var m in _modules) x = m.forward(x);
        return x;
    }
}
