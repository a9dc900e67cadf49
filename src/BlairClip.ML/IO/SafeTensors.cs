using System.Runtime.InteropServices;

namespace BlairClip.ML.IO;

/// <summary>Header entry of one tensor: dtype, shape and byte range [Begin, End) relative to the start of the data section.</summary>
public sealed record SafeTensorInfo(string Name, SafeTensorDType DType, long[] Shape, long Begin, long End)
    : CheckpointTensorInfo(Name, DType, Shape);

/// <summary>Thrown for a file that is not valid safetensors; the message names the file, the tensor and the problem.</summary>
public sealed class SafeTensorsFormatException(string message) : CheckpointFormatException(message);

/// <summary>A safetensors file: header entries and access to each tensor's little-endian bytes, either parsed from a
/// buffer (<see cref="Parse"/>, <see cref="Load"/>) or memory-mapped (<see cref="Open"/>, zero-copy). Spans returned
/// by <see cref="GetBytes"/> point into that buffer or map and are valid until <see cref="Dispose"/>.</summary>
public sealed class SafeTensorsFile : ICheckpoint
{
    private readonly ReadOnlyMemory<byte> _buffer;
    private readonly MappedFile? _mapped;
    private readonly long _dataStart;
    private readonly List<SafeTensorInfo> _ordered;
    private readonly Dictionary<string, SafeTensorInfo> _infos;

    private SafeTensorsFile(string source, ReadOnlyMemory<byte> buffer, MappedFile? mapped, long dataStart, SafeTensorsHeader header)
    {
        Source = source; _buffer = buffer; _mapped = mapped; _dataStart = dataStart;
        _ordered = header.Tensors; Metadata = header.Metadata;
        _infos = _ordered.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>File name or description used in error messages.</summary>
    public string Source { get; }

    /// <summary>The <c>__metadata__</c> strings (e.g. <c>format: pt</c>); empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Tensor entries in file order (by data offset).</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors => _ordered;

    IReadOnlyList<CheckpointTensorInfo> ICheckpoint.Tensors => _ordered;

    /// <summary>Reads the whole file into memory and parses it (prefer <see cref="Open"/> for large files).</summary>
    /// <exception cref="SafeTensorsFormatException">See <see cref="Parse"/>.</exception>
    public static SafeTensorsFile Load(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Memory-maps <paramref name="path"/> and parses its header; tensor bytes are never copied.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="SafeTensorsFormatException">See <see cref="Parse"/>.</exception>
    public static SafeTensorsFile Open(string path)
    {
        var mapped = MappedFile.Open(path);
        try
        {
            long headerLength = SafeTensorsHeader.ReadLength(mapped.Span(0, (int)Math.Min(8, mapped.Length)), mapped.Length, path);
            var header = SafeTensorsHeader.Parse(mapped.Span(8, (int)headerLength), mapped.Length - 8 - headerLength, path);
            return new SafeTensorsFile(path, ReadOnlyMemory<byte>.Empty, mapped, 8 + headerLength, header);
        }
        catch
        {
            mapped.Dispose();
            throw;
        }
    }

    /// <summary>Parses a whole safetensors buffer. <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="SafeTensorsFormatException">Truncated file; header length beyond the file; malformed JSON;
    /// unknown dtype; shape and byte range disagreeing; offsets out of range, overlapping or leaving holes.</exception>
    public static SafeTensorsFile Parse(ReadOnlyMemory<byte> buffer, string source)
    {
        var span = buffer.Span;
        long headerLength = SafeTensorsHeader.ReadLength(span[..Math.Min(8, span.Length)], span.Length, source);
        var header = SafeTensorsHeader.Parse(span.Slice(8, (int)headerLength), span.Length - 8 - headerLength, source);
        return new SafeTensorsFile(source, buffer, null, 8 + headerLength, header);
    }

    /// <inheritdoc/>
    public bool Contains(string name) => _infos.ContainsKey(name);

    /// <exception cref="KeyNotFoundException">No tensor of that name; the message lists some that exist.</exception>
    public SafeTensorInfo Info(string name) => _infos.TryGetValue(name, out var i) ? i
        : throw new KeyNotFoundException($"{Source}: no tensor '{name}' (has {_infos.Count}: {CheckpointNames.Sample(_infos.Keys)}).");

    CheckpointTensorInfo ICheckpoint.Info(string name) => Info(name);

    /// <summary>The raw little-endian, row-major bytes of tensor <paramref name="name"/>, without a copy.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor.</exception>
    /// <exception cref="NotSupportedException">The tensor is 2 GiB or larger (a span cannot hold it).</exception>
    /// <exception cref="ObjectDisposedException">The file was disposed.</exception>
    public ReadOnlySpan<byte> GetBytes(string name)
    {
        var i = Info(name);
        long length = i.End - i.Begin;
        if (length > int.MaxValue)
            throw new NotSupportedException($"{Source}: tensor '{name}' spans {length} bytes, more than one span can address (2 GiB).");
        return _mapped is null
            ? _buffer.Span.Slice((int)(_dataStart + i.Begin), (int)length)
            : _mapped.Span(_dataStart + i.Begin, (int)length);
    }

    /// <summary>Tensor <paramref name="name"/> as float32 (see <see cref="SafeTensorDTypes.ToSingle(ReadOnlySpan{byte}, SafeTensorDType)"/>).</summary>
    public float[] GetSingle(string name) => SafeTensorDTypes.ToSingle(GetBytes(name), Info(name).DType);

    /// <summary>Copies tensor <paramref name="name"/> out as <typeparamref name="T"/>; its dtype must match.</summary>
    /// <exception cref="InvalidDataException">The stored dtype is not <typeparamref name="T"/>'s.</exception>
    public T[] Get<T>(string name) where T : unmanaged
    {
        var i = Info(name);
        if (i.DType != SafeTensorDTypes.Of<T>())
            throw new InvalidDataException($"{Source}: tensor '{name}' is {i.DType}, not {SafeTensorDTypes.Of<T>()}.");
        return MemoryMarshal.Cast<byte, T>(GetBytes(name)).ToArray();
    }

    /// <summary>Unmaps a file opened with <see cref="Open"/>; spans obtained before are invalid afterwards.</summary>
    public void Dispose() => _mapped?.Dispose();
}
