using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace BlairClip.ML.IO;

/// <summary>A <c>pytorch_model.bin</c> written by <c>torch.save(state_dict)</c> (PyTorch ≥ 1.6 zip format): a zip
/// holding <c>&lt;archive&gt;/data.pkl</c> (the pickled dict name → tensor), <c>&lt;archive&gt;/data/&lt;key&gt;</c>
/// (one raw storage per key), <c>&lt;archive&gt;/version</c> and optionally <c>&lt;archive&gt;/byteorder</c>
/// ("little" when absent). The pickle is read by a restricted reader that builds data only (see
/// <see cref="UnsafePickleException"/>). Storages are read on first use; views with an offset or strides are copied
/// once into contiguous bytes; tensors sharing a storage (tied weights) share one read.</summary>
public sealed class PyTorchCheckpoint : ICheckpoint
{
    private readonly FileStream _stream;
    private readonly ZipArchive _zip;
    private readonly string _prefix;
    private readonly bool _bigEndian;
    private readonly List<CheckpointTensorInfo> _tensors = new();
    private readonly Dictionary<string, (CheckpointTensorInfo Info, TorchTensor Tensor)> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _storageBytes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _views = new(StringComparer.Ordinal);
    private bool _disposed;

    private PyTorchCheckpoint(string source, FileStream stream, ZipArchive zip, string prefix, bool bigEndian)
    {
        Source = source; _stream = stream; _zip = zip; _prefix = prefix; _bigEndian = bigEndian;
    }

    public string Source { get; }
    public IReadOnlyList<CheckpointTensorInfo> Tensors => _tensors;

    /// <summary>Opens <paramref name="path"/> and reads its pickled state dict (not the tensor data).</summary>
    /// <exception cref="UnsafePickleException">The pickle names a global a state dict does not use.</exception>
    /// <exception cref="CheckpointFormatException">Not a zip (e.g. the legacy pre-1.6 format), no data.pkl, a
    /// malformed pickle, a top level that is not a flat dict of tensors, or a view outside its storage.</exception>
    public static PyTorchCheckpoint Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            CheckMagic(stream, path);
            ZipArchive zip;
            try { zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true); }
            catch (InvalidDataException e)
            {
                throw new CheckpointFormatException($"{path}: not a readable zip archive ({e.Message}); the file may be truncated.");
            }
            var pickles = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1).ToList();
            if (pickles.Count != 1)
                throw new CheckpointFormatException(
                    $"{path}: expected exactly one '<archive>/data.pkl' entry as torch.save writes, found {pickles.Count} " +
                    $"(entries: {CheckpointNames.Sample(zip.Entries.Select(e => e.FullName))}).");
            string prefix = pickles[0].FullName[..^"data.pkl".Length];
            bool bigEndian = ReadByteOrder(zip, prefix, path);
            var ckpt = new PyTorchCheckpoint(path, stream, zip, prefix, bigEndian);
            ckpt.ReadStateDict(ReadEntry(pickles[0], path));
            return ckpt;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static void CheckMagic(FileStream stream, string path)
    {
        Span<byte> magic = stackalloc byte[4];
        int n = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        stream.Position = 0;
        if (n == 4 && magic.SequenceEqual("PK\x03\x04"u8)) return;
        if (n >= 1 && magic[0] == 0x80)
            throw new CheckpointFormatException(
                $"{path}: legacy torch.save format (a bare pickle, PyTorch < 1.6 or _use_new_zipfile_serialization=False) is not supported; " +
                "re-save it with PyTorch >= 1.6 or convert it to safetensors.");
        throw new CheckpointFormatException($"{path}: not a torch.save zip archive (expected 'PK\\x03\\x04', found {Convert.ToHexString(magic[..n])}).");
    }

    private static bool ReadByteOrder(ZipArchive zip, string prefix, string path)
    {
        var entry = zip.GetEntry(prefix + "byteorder");
        if (entry is null) return false;
        var text = System.Text.Encoding.ASCII.GetString(ReadEntry(entry, path)).Trim();
        return text switch
        {
            "little" => false,
            "big" => true,
            _ => throw new CheckpointFormatException($"{path}!{entry.FullName}: expected 'little' or 'big', found '{text}'."),
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
        var entry = _zip.GetEntry($"{_prefix}data/{storage.Key}")
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

    public bool Contains(string name) => _byName.ContainsKey(name);

    public CheckpointTensorInfo Info(string name) => Find(name).Info;

    /// <summary>Contiguous little-endian bytes: a slice of the storage when the view is contiguous, else a copy made
    /// once. Valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> GetBytes(string name)
    {
        var (info, t) = Find(name);
        lock (_storageBytes)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var storage = StorageBytes(t.Storage);
            int size = SafeTensorDTypes.SizeOf(info.DType);
            if (t.IsContiguous) return storage.AsSpan((int)(t.Offset * size), (int)info.ByteCount);
            if (!_views.TryGetValue(name, out var view))
            {
                view = StridedCopy.Gather(storage, size, t.Offset, t.Shape, t.Stride);
                _views[name] = view;
            }
            return view;
        }
    }

    public float[] GetSingle(string name) => SafeTensorDTypes.ToSingle(GetBytes(name), Info(name).DType);

    private (CheckpointTensorInfo Info, TorchTensor Tensor) Find(string name) =>
        _byName.TryGetValue(name, out var e) ? e
            : throw new KeyNotFoundException($"{Source}: no tensor '{name}' (has {_byName.Count}: {CheckpointNames.Sample(_byName.Keys)}).");

    private byte[] StorageBytes(TorchStorage storage)
    {
        if (_storageBytes.TryGetValue(storage.Key, out var bytes)) return bytes;
        var entry = _zip.GetEntry($"{_prefix}data/{storage.Key}")!;
        long length = storage.ElementCount * SafeTensorDTypes.SizeOf(storage.DType);
        if (length > Array.MaxLength)
            throw new NotSupportedException($"{Source}: storage '{storage.Key}' has {length} bytes, more than one array can hold (2 GiB).");
        bytes = ReadEntry(entry, Source, (int)length);
        if (_bigEndian) SwapToLittleEndian(bytes, storage.DType);
        _storageBytes[storage.Key] = bytes;
        return bytes;
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, string source, int? length = null)
    {
        var bytes = new byte[length ?? checked((int)entry.Length)];
        try
        {
            using var s = entry.Open();
            s.ReadExactly(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new CheckpointFormatException($"{source}!{entry.FullName}: cannot read {bytes.Length} bytes ({e.Message}); the file may be truncated or corrupt.");
        }
        return bytes;
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

    public void Dispose()
    {
        lock (_storageBytes)
        {
            if (_disposed) return;
            _disposed = true;
            _zip.Dispose();
            _stream.Dispose();
            _storageBytes.Clear();
            _views.Clear();
        }
    }
}
