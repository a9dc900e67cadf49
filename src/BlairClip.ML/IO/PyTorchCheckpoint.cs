using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace BlairClip.ML.IO;

/// <summary>A <c>pytorch_model.bin</c> written by <c>torch.save(state_dict)</c> (PyTorch ≥ 1.6 zip format): a zip
/// holding <c>&lt;archive&gt;/data.pkl</c> (the pickled dict name → tensor), <c>&lt;archive&gt;/data/&lt;key&gt;</c>
/// (one raw storage per key), <c>&lt;archive&gt;/version</c> and optionally <c>&lt;archive&gt;/byteorder</c>
/// ("little" when absent). The pickle is read by a restricted reader that builds data only (see
/// <see cref="UnsafePickleException"/>). The file is memory-mapped: a contiguous tensor of a stored (uncompressed)
/// little-endian storage — what torch.save writes — is a span into the map, without a copy; strided views, deflated
/// entries and big-endian storages are converted once into contiguous little-endian bytes and kept. Tensors sharing
/// a storage (tied weights) read the same bytes.</summary>
public sealed class PyTorchCheckpoint : ICheckpoint
{
    private readonly MappedFile _file;
    private readonly Dictionary<string, ZipEntryLocation> _entries;
    private readonly string _prefix;
    private readonly bool _bigEndian;
    private readonly List<CheckpointTensorInfo> _tensors = new();
    private readonly Dictionary<string, (CheckpointTensorInfo Info, TorchTensor Tensor)> _byName = new(StringComparer.Ordinal);

    /// <summary>Bytes that could not be used in place: strided views (by tensor name), big-endian or deflated
    /// storages (by "storage:" + key).</summary>
    private readonly Dictionary<string, byte[]> _converted = new(StringComparer.Ordinal);
    private bool _disposed;

    private PyTorchCheckpoint(string source, MappedFile file, Dictionary<string, ZipEntryLocation> entries, string prefix, bool bigEndian)
    {
        Source = source; _file = file; _entries = entries; _prefix = prefix; _bigEndian = bigEndian;
    }

    /// <inheritdoc/>
    public string Source { get; }

    /// <summary>The state dict's tensors in pickle (insertion) order.</summary>
    public IReadOnlyList<CheckpointTensorInfo> Tensors => _tensors;

    /// <summary>Maps <paramref name="path"/> and reads its pickled state dict (not the tensor data).</summary>
    /// <exception cref="UnsafePickleException">The pickle names a global a state dict does not use.</exception>
    /// <exception cref="CheckpointFormatException">Not a zip (e.g. the legacy pre-1.6 format) or a truncated one, no
    /// data.pkl, a malformed pickle, a top level that is not a flat dict of tensors, or a view outside its storage.</exception>
    public static PyTorchCheckpoint Open(string path)
    {
        var file = MappedFile.Open(path);
        try
        {
            CheckMagic(file, path);
            var entries = ZipDirectory.Read(file, path);
            var pickles = entries.Keys.Where(n => n.EndsWith("/data.pkl", StringComparison.Ordinal) && n.Count(c => c == '/') == 1).ToList();
            if (pickles.Count != 1)
                throw new CheckpointFormatException(
                    $"{path}: expected exactly one '<archive>/data.pkl' entry as torch.save writes, found {pickles.Count} " +
                    $"(entries: {CheckpointNames.Sample(entries.Keys)}).");
            string prefix = pickles[0][..^"data.pkl".Length];
            bool bigEndian = ReadByteOrder(file, entries, prefix, path);
            var ckpt = new PyTorchCheckpoint(path, file, entries, prefix, bigEndian);
            ckpt.ReadStateDict(ZipDirectory.Bytes(file, entries[pickles[0]], path).ToArray());
            return ckpt;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static void CheckMagic(MappedFile file, string path)
    {
        var magic = file.Span(0, (int)Math.Min(4, file.Length));
        if (magic.SequenceEqual("PK\x03\x04"u8)) return;
        if (magic.Length >= 1 && magic[0] == 0x80)
            throw new CheckpointFormatException(
                $"{path}: legacy torch.save format (a bare pickle, PyTorch < 1.6 or _use_new_zipfile_serialization=False) is not supported; " +
                "re-save it with PyTorch >= 1.6 or convert it to safetensors.");
        throw new CheckpointFormatException($"{path}: not a torch.save zip archive (expected 'PK\\x03\\x04', found {Convert.ToHexString(magic)}).");
    }

    private static bool ReadByteOrder(MappedFile file, Dictionary<string, ZipEntryLocation> entries, string prefix, string path)
    {
        if (!entries.TryGetValue(prefix + "byteorder", out var entry)) return false;
        var text = System.Text.Encoding.ASCII.GetString(ZipDirectory.Bytes(file, entry, path)).Trim();
        return text switch
        {
            "little" => false,
            "big" => true,
            _ => throw new CheckpointFormatException($"{path}!{entry.Name}: expected 'little' or 'big', found '{text}'."),
        };
    }

    private void ReadStateDict(byte[] pickle)
    {
        var policy = new TorchStateDictPolicy($"{Source}!{_prefix}data.pkl");
        var root = PickleReader.Load(pickle, $"{Source}!{_prefix}data.pkl", policy);
        if (root is not PickleDict dict)
            throw new CheckpointFormatException($"{Source}: data.pkl holds a {PickleReader.Describe(root)}, expected a state dict (name → tensor).");
        foreach (var (key, value) in dict.Items)
        {
            if (key is not string name)
                throw new CheckpointFormatException($"{Source}: state dict key {key} is a {PickleReader.Describe(key)}, expected a str.");
            if (value is not TorchTensor tensor)
                throw new CheckpointFormatException(
                    $"{Source}: state dict entry '{name}' is a {PickleReader.Describe(value)}, expected a tensor (is this a training checkpoint? load its 'state_dict' with PyTorch and re-save).");
            CheckExtent(name, tensor);
            var info = new CheckpointTensorInfo(name, tensor.Storage.DType, tensor.Shape);
            _byName[name] = (info, tensor);
            _tensors.Add(info);
        }
    }

    /// <summary>The last element a view touches must lie inside its storage, and the storage inside its entry.</summary>
    private void CheckExtent(string name, TorchTensor t)
    {
        var storage = t.Storage;
        var entry = _entries.GetValueOrDefault($"{_prefix}data/{storage.Key}")
            ?? throw new CheckpointFormatException($"{Source}: tensor '{name}' uses storage '{storage.Key}', but the archive has no entry {_prefix}data/{storage.Key}.");
        long size = SafeTensorDTypes.SizeOf(storage.DType);
        if (storage.ElementCount < 0 || storage.ElementCount * size > entry.Length)
            throw new CheckpointFormatException(
                $"{Source}: storage '{storage.Key}' of tensor '{name}' should hold {storage.ElementCount} {storage.DType} elements ({storage.ElementCount * size} bytes), but its entry has {entry.Length} bytes.");
        if (t.Offset < 0 || t.Shape.Any(d => d < 0) || t.Stride.Any(s => s < 0))
            throw new CheckpointFormatException($"{Source}: tensor '{name}' has a negative offset, size or stride.");
        if (t.ElementCount == 0) return;
        long last = t.Offset;
        for (int k = 0; k < t.Shape.Length; k++) last += (t.Shape[k] - 1) * t.Stride[k];
        if (last >= storage.ElementCount)
            throw new CheckpointFormatException(
                $"{Source}: tensor '{name}' (offset {t.Offset}, size [{string.Join(", ", t.Shape)}], stride [{string.Join(", ", t.Stride)}]) reaches element {last} of storage '{storage.Key}', which has {storage.ElementCount}.");
    }

    /// <inheritdoc/>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <inheritdoc/>
    public CheckpointTensorInfo Info(string name) => Find(name).Info;

    /// <summary>Contiguous little-endian bytes: a span into the memory map when the view is contiguous and its
    /// storage stored little-endian and uncompressed, else a copy made once. Valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> GetBytes(string name)
    {
        var (info, t) = Find(name);
        int size = SafeTensorDTypes.SizeOf(info.DType);
        lock (_converted)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_converted.TryGetValue(name, out var view)) return view;
            var storage = StorageBytes(t.Storage);
            if (t.IsContiguous) return storage.Slice((int)(t.Offset * size), (int)info.ByteCount);
            view = StridedCopy.Gather(storage, size, t.Offset, t.Shape, t.Stride);
            _converted[name] = view;
            return view;
        }
    }

    /// <inheritdoc/>
    public float[] GetSingle(string name) => SafeTensorDTypes.ToSingle(GetBytes(name), Info(name).DType);

    private (CheckpointTensorInfo Info, TorchTensor Tensor) Find(string name) =>
        _byName.TryGetValue(name, out var e) ? e
            : throw new KeyNotFoundException($"{Source}: no tensor '{name}' (has {_byName.Count}: {CheckpointNames.Sample(_byName.Keys)}).");

    /// <summary>The storage's [ElementCount · size] little-endian bytes: in place, or converted once and kept.</summary>
    private ReadOnlySpan<byte> StorageBytes(TorchStorage storage)
    {
        string key = "storage:" + storage.Key;
        if (_converted.TryGetValue(key, out var converted)) return converted;
        var entry = _entries[$"{_prefix}data/{storage.Key}"];
        long length = storage.ElementCount * SafeTensorDTypes.SizeOf(storage.DType);
        if (length > int.MaxValue)
            throw new NotSupportedException($"{Source}: storage '{storage.Key}' has {length} bytes, more than one span can address (2 GiB).");
        var bytes = ZipDirectory.Bytes(_file, entry, Source)[..(int)length];
        if (entry.Method == 0 && !_bigEndian) return bytes;
        converted = bytes.ToArray();
        if (_bigEndian) SwapToLittleEndian(converted, storage.DType);
        _converted[key] = converted;
        return converted;
    }

    private static void SwapToLittleEndian(byte[] bytes, SafeTensorDType dtype)
    {
        switch (SafeTensorDTypes.SizeOf(dtype))
        {
            case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(bytes.AsSpan()), MemoryMarshal.Cast<byte, ushort>(bytes.AsSpan())); break;
            case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(bytes.AsSpan()), MemoryMarshal.Cast<byte, uint>(bytes.AsSpan())); break;
            case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(bytes.AsSpan()), MemoryMarshal.Cast<byte, ulong>(bytes.AsSpan())); break;
        }
    }

    /// <summary>Unmaps the file and drops converted copies; spans obtained before must not be used afterwards.</summary>
    public void Dispose()
    {
        lock (_converted)
        {
            if (_disposed) return;
            _disposed = true;
            _file.Dispose();
            _converted.Clear();
        }
    }
}
