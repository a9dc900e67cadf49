namespace BlairClip.Torch;

/// <summary>
/// Frees, when disposed, every tensor created on this thread while it was the innermost scope, except those moved
/// out with <see cref="Tensor.MoveToOuterScope"/> or <see cref="Tensor.DetachFromDisposeScope"/>.
/// Open one with <see cref="torch.NewDisposeScope"/>; scopes nest.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? _current;
    private readonly HashSet<Tensor> _tensors = new(ReferenceEqualityComparer.Instance);
    private bool _disposed;

    internal DisposeScope()
    {
        Outer = _current;
        _current = this;
    }

    /// <summary>The innermost open scope of this thread, or null.</summary>
    internal static DisposeScope? Current => _current;

    /// <summary>The scope that was innermost when this one opened.</summary>
    public DisposeScope? Outer { get; }

    /// <summary>Number of tensors this scope will free.</summary>
    public int Count => _tensors.Count;

    internal void Add(Tensor t) => _tensors.Add(t);

    internal void Remove(Tensor t) => _tensors.Remove(t);

    /// <summary>Disposes the scope's tensors and makes <see cref="Outer"/> current again.</summary>
    /// <exception cref="InvalidOperationException">An inner scope is still open.</exception>
    public void Dispose()
    {
        if (_disposed) return;
        if (!ReferenceEquals(_current, this))
            throw new InvalidOperationException("Dispose scopes must close innermost first; an inner scope is still open.");
        _disposed = true;
        _current = Outer;
        foreach (var t in _tensors) t.DisposeFromScope();
        _tensors.Clear();
    }
}
