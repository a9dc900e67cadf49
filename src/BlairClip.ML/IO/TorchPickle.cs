namespace BlairClip.ML.IO;

/// <summary>A storage of a <c>torch.save</c> zip: entry <c>&lt;archive&gt;/data/&lt;Key&gt;</c> holding
/// <see cref="ElementCount"/> elements of <see cref="DType"/>.</summary>
internal sealed record TorchStorage(string Key, SafeTensorDType DType, long ElementCount, string Location);

/// <summary>A tensor view of a storage, as <c>torch._utils._rebuild_tensor_v2</c> describes it: element
/// <c>[i0, i1, …]</c> lives at storage element <c>Offset + Σ ik · Stride[k]</c>.</summary>
internal sealed record TorchTensor(TorchStorage Storage, long Offset, long[] Shape, long[] Stride)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Row-major contiguous: strides are the suffix products of the shape (dims of size 1 may have any stride).</summary>
    public bool IsContiguous
    {
        get
        {
            long expected = 1;
            for (int k = Shape.Length - 1; k >= 0; k--)
            {
                if (Shape[k] != 1 && Stride[k] != expected) return false;
                expected *= Shape[k];
            }
            return true;
        }
    }
}

/// <summary>The globals and persistent ids a <c>torch.save(state_dict)</c> pickle uses, and nothing else — the same
/// allowlist idea as PyTorch's <c>weights_only=True</c> loader. Every other global (<c>os.system</c>,
/// <c>builtins.eval</c>, a model class…) is refused when the pickle names it, before anything else happens.</summary>
internal sealed class TorchStateDictPolicy(string source) : IPicklePolicy
{
    private static readonly Dictionary<string, SafeTensorDType> StorageTypes = new(StringComparer.Ordinal)
    {
        ["DoubleStorage"] = SafeTensorDType.F64, ["FloatStorage"] = SafeTensorDType.F32,
        ["HalfStorage"] = SafeTensorDType.F16, ["BFloat16Storage"] = SafeTensorDType.BF16,
        ["LongStorage"] = SafeTensorDType.I64, ["IntStorage"] = SafeTensorDType.I32,
        ["ShortStorage"] = SafeTensorDType.I16, ["CharStorage"] = SafeTensorDType.I8,
        ["ByteStorage"] = SafeTensorDType.U8, ["BoolStorage"] = SafeTensorDType.BOOL,
    };

    private static readonly HashSet<PickleGlobal> Functions =
    [
        new("collections", "OrderedDict"),
        new("torch._utils", "_rebuild_tensor"),
        new("torch._utils", "_rebuild_tensor_v2"),
        new("torch._utils", "_rebuild_parameter"),
        new("torch._utils", "_rebuild_parameter_with_state"),
    ];

    private readonly Dictionary<string, TorchStorage> _storages = new(StringComparer.Ordinal);

    /// <summary>Storages seen so far, by key (tensors tied to one storage share the instance).</summary>
    public IReadOnlyDictionary<string, TorchStorage> Storages => _storages;

    public static string Allowed =>
        string.Join(", ", Functions.Select(f => f.ToString())) + ", torch.{" + string.Join(",", StorageTypes.Keys) + "}";

    public void CheckGlobal(PickleGlobal global, long position)
    {
        if (Functions.Contains(global) || (global.Module == "torch" && StorageTypes.ContainsKey(global.Name))) return;
        if (global.Module == "torch" && global.Name.EndsWith("Storage", StringComparison.Ordinal))
            throw new CheckpointFormatException(
                $"{source} at byte {position}: storage type '{global}' is not supported (supported: torch.{{{string.Join(",", StorageTypes.Keys)}}}); convert the tensor's dtype before saving.");
        throw new UnsafePickleException(
            $"{source} at byte {position}: global '{global}' is not allowed in a state dict; nothing was executed. Allowed: {Allowed}. " +
            "If you trust this file, convert it to safetensors with PyTorch.", global.ToString());
    }

    public object? Reduce(PickleGlobal callable, object?[] args, long position)
    {
        string where = $"{source} at byte {position}: {callable}";
        switch (callable.Name)
        {
            case "OrderedDict" when args.Length == 0:
                return new PickleDict();
            case "_rebuild_tensor" when args.Length == 4:
            case "_rebuild_tensor_v2" when args.Length is 6 or 7:
            {
                var storage = args[0] as TorchStorage ?? throw new CheckpointFormatException($"{where}: argument 0 is a {PickleReader.Describe(args[0])}, expected a storage.");
                long offset = args[1] as long? ?? throw new CheckpointFormatException($"{where}: storage offset is a {PickleReader.Describe(args[1])}, expected an int.");
                var shape = Longs(args[2], where, "size");
                var stride = Longs(args[3], where, "stride");
                if (shape.Length != stride.Length)
                    throw new CheckpointFormatException($"{where}: size [{string.Join(", ", shape)}] and stride [{string.Join(", ", stride)}] differ in rank.");
                return new TorchTensor(storage, offset, shape, stride);
            }
            case "_rebuild_parameter" when args.Length == 3:
            case "_rebuild_parameter_with_state" when args.Length == 4:
                return args[0] as TorchTensor ?? throw new CheckpointFormatException($"{where}: data is a {PickleReader.Describe(args[0])}, expected a tensor.");
            default:
                throw new CheckpointFormatException($"{where} called with {args.Length} arguments, which no state dict does.");
        }
    }

    /// <summary>torch.save writes <c>('storage', torch.FloatStorage, key, location, element count)</c>.</summary>
    public object? PersistentLoad(object? pid, long position)
    {
        if (pid is not object?[] { Length: 5 } t || t[0] is not "storage" || t[1] is not PickleGlobal type
            || t[2] is not string key || t[3] is not string location || t[4] is not long count)
            throw new CheckpointFormatException(
                $"{source} at byte {position}: persistent id is not ('storage', torch.<Type>Storage, key, location, numel) as torch.save writes.");
        if (type.Module != "torch" || !StorageTypes.TryGetValue(type.Name, out var dtype))
            throw new CheckpointFormatException($"{source} at byte {position}: storage type {type} is not a torch storage class.");
        if (_storages.TryGetValue(key, out var existing))
        {
            if (existing.DType != dtype)
                throw new CheckpointFormatException($"{source}: storage '{key}' is read as both {existing.DType} and {dtype}.");
            return existing;
        }
        var storage = new TorchStorage(key, dtype, count, location);
        _storages[key] = storage;
        return storage;
    }

    private static long[] Longs(object? value, string where, string what) =>
        value is object?[] tuple && tuple.All(v => v is long)
            ? tuple.Select(v => (long)v!).ToArray()
            : throw new CheckpointFormatException($"{where}: {what} is a {PickleReader.Describe(value)}, expected a tuple of ints.");
}

/// <summary>Thrown when a pickle names a global outside the state-dict allowlist; nothing from the file was run.</summary>
public sealed class UnsafePickleException(string message, string global) : CheckpointFormatException(message)
{
    /// <summary>The refused global as <c>module.name</c>.</summary>
    public string Global { get; } = global;
}
