using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace BlairClip.ML.IO;

/// <summary>Element types of the safetensors format (names as they appear in the header).</summary>
public enum SafeTensorDType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL }

/// <summary>Header entry of one tensor: dtype, shape and byte range relative to the start of the data section.</summary>
public sealed record SafeTensorInfo(string Name, SafeTensorDType DType, long[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>Thrown for a file that is not valid safetensors; the message names the file and the problem.</summary>
public sealed class SafeTensorsFormatException(string message) : IOException(message);

/// <summary>Sizes and .NET types of <see cref="SafeTensorDType"/>.</summary>
public static class SafeTensorDTypes
{
    public static int SizeOf(SafeTensorDType t) => t switch
    {
        SafeTensorDType.F64 or SafeTensorDType.I64 => 8,
        SafeTensorDType.F32 or SafeTensorDType.I32 => 4,
        SafeTensorDType.F16 or SafeTensorDType.BF16 or SafeTensorDType.I16 => 2,
        _ => 1,
    };

    /// <summary>The dtype stored for .NET element type <typeparamref name="T"/> (bf16 has no .NET type: use raw bytes).</summary>
    public static SafeTensorDType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? SafeTensorDType.F32
        : typeof(T) == typeof(double) ? SafeTensorDType.F64
        : typeof(T) == typeof(Half) ? SafeTensorDType.F16
        : typeof(T) == typeof(long) ? SafeTensorDType.I64
        : typeof(T) == typeof(int) ? SafeTensorDType.I32
        : typeof(T) == typeof(short) ? SafeTensorDType.I16
        : typeof(T) == typeof(sbyte) ? SafeTensorDType.I8
        : typeof(T) == typeof(byte) ? SafeTensorDType.U8
        : typeof(T) == typeof(bool) ? SafeTensorDType.BOOL
        : throw new NotSupportedException($"No safetensors dtype for {typeof(T).Name}.");
}

/// <summary>Builds a safetensors file: an 8-byte little-endian header length, a JSON header
/// <c>{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}</c> padded with
/// spaces to a multiple of 8, then the tensors' little-endian bytes in header order.</summary>
public sealed class SafeTensorsWriter
{
    private readonly List<(string Name, SafeTensorDType DType, long[] Shape, byte[] Bytes)> _tensors = new();

    /// <summary>Free-form string metadata stored under <c>__metadata__</c>.</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds a tensor of shape <paramref name="shape"/> (element count must match).</summary>
    public SafeTensorsWriter Add<T>(string name, ReadOnlySpan<T> data, params long[] shape) where T : unmanaged =>
        AddRaw(name, SafeTensorDTypes.Of<T>(), MemoryMarshal.AsBytes(data), shape);

    /// <summary>Adds a tensor from its raw little-endian bytes (any dtype, e.g. BF16).</summary>
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

    public byte[] ToArray()
    {
        using var ms = new MemoryStream();
        WriteTo(ms);
        return ms.ToArray();
    }
}

/// <summary>A parsed safetensors buffer: header entries and typed access to each tensor's data.</summary>
public sealed class SafeTensorsFile
{
    private readonly ReadOnlyMemory<byte> _data;
    private readonly Dictionary<string, SafeTensorInfo> _infos;

    private SafeTensorsFile(string source, ReadOnlyMemory<byte> data, Dictionary<string, SafeTensorInfo> infos, Dictionary<string, string> metadata)
    {
        Source = source; _data = data; _infos = infos; Metadata = metadata;
    }

    /// <summary>File name or description used in error messages.</summary>
    public string Source { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public IReadOnlyCollection<SafeTensorInfo> Tensors => _infos.Values;

    public static SafeTensorsFile Load(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Parses a whole safetensors buffer. <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="SafeTensorsFormatException">Truncated, malformed header, or out-of-range offsets.</exception>
    public static SafeTensorsFile Parse(ReadOnlyMemory<byte> buffer, string source)
    {
        var span = buffer.Span;
        if (span.Length < 8) throw new SafeTensorsFormatException($"{source}: truncated safetensors file ({span.Length} bytes, no header length).");
        long headerLen = BinaryPrimitives.ReadInt64LittleEndian(span);
        if (headerLen < 2 || 8 + headerLen > span.Length)
            throw new SafeTensorsFormatException($"{source}: header length {headerLen} does not fit in the file of {span.Length} bytes (truncated or not safetensors).");
        var infos = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var data = buffer[(int)(8 + headerLen)..];
        try
        {
            using var doc = JsonDocument.Parse(buffer.Slice(8, (int)headerLen));
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    foreach (var m in prop.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString() ?? "";
                    continue;
                }
                var dtypeName = prop.Value.GetProperty("dtype").GetString();
                if (!Enum.TryParse<SafeTensorDType>(dtypeName, out var dtype))
                    throw new SafeTensorsFormatException($"{source}: tensor '{prop.Name}' has unknown dtype '{dtypeName}'.");
                var shape = prop.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var offsets = prop.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var info = new SafeTensorInfo(prop.Name, dtype, shape, offsets[0], offsets[1]);
                if (offsets.Length != 2 || info.Begin < 0 || info.End < info.Begin || info.End > data.Length)
                    throw new SafeTensorsFormatException($"{source}: tensor '{prop.Name}' data_offsets [{string.Join(", ", offsets)}] lie outside the {data.Length} data bytes (truncated file?).");
                if (info.End - info.Begin != info.ElementCount * SafeTensorDTypes.SizeOf(dtype))
                    throw new SafeTensorsFormatException($"{source}: tensor '{prop.Name}' of shape [{string.Join(", ", shape)}] {dtype} spans {info.End - info.Begin} bytes.");
                infos[prop.Name] = info;
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new SafeTensorsFormatException($"{source}: malformed safetensors header: {e.Message}");
        }
        return new SafeTensorsFile(source, data, infos, metadata);
    }

    public bool Contains(string name) => _infos.ContainsKey(name);

    public SafeTensorInfo Info(string name) => _infos.TryGetValue(name, out var i) ? i
        : throw new KeyNotFoundException($"{Source}: no tensor '{name}' (has: {string.Join(", ", _infos.Keys)}).");

    /// <summary>The raw little-endian bytes of tensor <paramref name="name"/>.</summary>
    public ReadOnlySpan<byte> GetBytes(string name)
    {
        var i = Info(name);
        return _data.Span[(int)i.Begin..(int)i.End];
    }

    /// <summary>Copies tensor <paramref name="name"/> out as <typeparamref name="T"/>; its dtype must match.</summary>
    /// <exception cref="InvalidDataException">The stored dtype is not <typeparamref name="T"/>'s.</exception>
    public T[] Get<T>(string name) where T : unmanaged
    {
        var i = Info(name);
        if (i.DType != SafeTensorDTypes.Of<T>())
            throw new InvalidDataException($"{Source}: tensor '{name}' is {i.DType}, not {SafeTensorDTypes.Of<T>()}.");
        return MemoryMarshal.Cast<byte, T>(GetBytes(name)).ToArray();
    }
}
