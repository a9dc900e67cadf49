using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace BlairClip.ML.IO;

/// <summary>Builds a safetensors file: an 8-byte little-endian header length, a JSON header
/// <c>{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}</c> padded with
/// spaces to a multiple of 8, then the tensors' little-endian bytes in header order, back to back.</summary>
public sealed class SafeTensorsWriter
{
    private readonly List<(string Name, SafeTensorDType DType, long[] Shape, byte[] Bytes)> _tensors = new();

    /// <summary>Free-form string metadata stored under <c>__metadata__</c>.</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds a tensor of shape <paramref name="shape"/> (element count must match).</summary>
    /// <exception cref="ArgumentException">Name reserved or used twice, or element count ≠ product of shape.</exception>
    public SafeTensorsWriter Add<T>(string name, ReadOnlySpan<T> data, params long[] shape) where T : unmanaged =>
        AddRaw(name, SafeTensorDTypes.Of<T>(), MemoryMarshal.AsBytes(data), shape);

    /// <summary>Adds a tensor from its raw little-endian bytes (any dtype, e.g. BF16).</summary>
    /// <exception cref="ArgumentException">Name reserved or used twice, or byte count ≠ product of shape × element size.</exception>
    public SafeTensorsWriter AddRaw(string name, SafeTensorDType dtype, ReadOnlySpan<byte> bytes, params long[] shape)
    {
        if (name == "__metadata__" || _tensors.Any(t => t.Name == name))
            throw new ArgumentException($"Tensor name '{name}' is reserved or used twice.", nameof(name));
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count * SafeTensorDTypes.SizeOf(dtype) != bytes.Length)
            throw new ArgumentException($"Tensor '{name}': shape [{string.Join(", ", shape)}] of {dtype} needs {count * SafeTensorDTypes.SizeOf(dtype)} bytes, got {bytes.Length}.");
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Big-endian hosts are not supported.");
        _tensors.Add((name, dtype, shape.ToArray(), bytes.ToArray()));
        return this;
    }

    /// <summary>The share of the tensors' bytes that are floating point (F64, F32, F16, BF16); 0 without tensors.</summary>
    public double FloatingShare
    {
        get
        {
            long all = _tensors.Sum(t => (long)t.Bytes.Length);
            long floating = _tensors.Where(t => t.DType is SafeTensorDType.F64 or SafeTensorDType.F32 or SafeTensorDType.F16 or SafeTensorDType.BF16)
                .Sum(t => (long)t.Bytes.Length);
            return all == 0 ? 0 : (double)floating / all;
        }
    }

    /// <summary>Writes the whole file to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream)
    {
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        if (Metadata.Count > 0) header["__metadata__"] = Metadata;
        long offset = 0;
        foreach (var t in _tensors)
        {
            header[t.Name] = new Dictionary<string, object>
            {
                ["dtype"] = t.DType.ToString(), ["shape"] = t.Shape, ["data_offsets"] = new[] { offset, offset + t.Bytes.Length },
            };
            offset += t.Bytes.Length;
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(header);
        int padded = (json.Length + 7) / 8 * 8;
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(len, padded);
        stream.Write(len);
        stream.Write(json);
        for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (var t in _tensors) stream.Write(t.Bytes);
    }

    /// <summary>Writes to <paramref name="path"/> atomically (temp file, then rename).</summary>
    public void Save(string path) => AtomicFile.Write(path, WriteTo);

    /// <summary>The whole file as one buffer.</summary>
    public byte[] ToArray()
    {
        using var ms = new MemoryStream();
        WriteTo(ms);
        return ms.ToArray();
    }
}
