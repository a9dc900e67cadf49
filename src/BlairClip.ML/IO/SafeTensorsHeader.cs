using System.Buffers.Binary;
using System.Text.Json;

namespace BlairClip.ML.IO;

/// <summary>Parses and validates the JSON header of a safetensors file. The format requires that the tensors'
/// byte ranges tile the data section exactly (no overlap, no hole, nothing after the last one), which is what
/// lets a reader trust offsets without reading the data.</summary>
internal sealed class SafeTensorsHeader
{
    /// <summary>The reference implementation refuses headers above 100 MB; a larger value means a corrupt length.</summary>
    private const long MaxHeaderLength = 100_000_000;

    public required List<SafeTensorInfo> Tensors { get; init; }
    public required Dictionary<string, string> Metadata { get; init; }

    /// <summary>Reads the 8-byte little-endian header length and checks it against the file length.</summary>
    public static long ReadLength(ReadOnlySpan<byte> first8, long fileLength, string source)
    {
        if (fileLength < 8)
            throw new SafeTensorsFormatException($"{source}: truncated safetensors file ({fileLength} bytes, expected at least 8 for the header length).");
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(first8);
        if (headerLength < 2 || headerLength > MaxHeaderLength || 8 + headerLength > fileLength)
            throw new SafeTensorsFormatException(
                $"{source}: header length {headerLength} does not fit in the file of {fileLength} bytes (expected 2..{Math.Min(MaxHeaderLength, fileLength - 8)}; truncated or not safetensors).");
        return headerLength;
    }

    /// <param name="json">The header bytes (JSON, possibly space-padded).</param>
    /// <param name="dataLength">Bytes after the header.</param>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> json, long dataLength, string source)
    {
        var tensors = new List<SafeTensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json.ToArray()); }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException($"{source}: header is not valid JSON ({e.Message}).");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafeTensorsFormatException($"{source}: header must be a JSON object, but is a {doc.RootElement.ValueKind}.");
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(prop.Name))
                    throw new SafeTensorsFormatException($"{source}: header names '{prop.Name}' twice.");
                if (prop.Name == "__metadata__") ReadMetadata(prop.Value, metadata, source);
                else tensors.Add(ReadTensor(prop.Name, prop.Value, dataLength, source));
            }
        }
        tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        CheckTiling(tensors, dataLength, source);
        return new SafeTensorsHeader { Tensors = tensors, Metadata = metadata };
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException($"{source}: __metadata__ must be an object of strings, but is a {value.ValueKind}.");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw new SafeTensorsFormatException($"{source}: __metadata__ key '{m.Name}' must be a string, but is a {m.Value.ValueKind} ({m.Value.GetRawText()}).");
            metadata[m.Name] = m.Value.GetString()!;
        }
    }

    private static SafeTensorInfo ReadTensor(string name, JsonElement value, long dataLength, string source)
    {
        string where = $"{source}: tensor '{name}'";
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException($"{where}: entry must be an object with dtype, shape, data_offsets, but is {value.GetRawText()}.");
        if (!value.TryGetProperty("dtype", out var dtypeValue) || dtypeValue.ValueKind != JsonValueKind.String)
            throw new SafeTensorsFormatException($"{where}: missing or non-string \"dtype\".");
        var dtypeName = dtypeValue.GetString();
        if (dtypeName is null || !Enum.GetNames<SafeTensorDType>().Contains(dtypeName))
            throw new SafeTensorsFormatException($"{where}: unknown dtype '{dtypeName}' (expected one of {string.Join(", ", Enum.GetNames<SafeTensorDType>())}).");
        var dtype = Enum.Parse<SafeTensorDType>(dtypeName);
        var shape = ReadLongs(value, "shape", where, expectedCount: null);
        var offsets = ReadLongs(value, "data_offsets", where, expectedCount: 2);
        long begin = offsets[0], end = offsets[1];
        if (end < begin || end > dataLength)
            throw new SafeTensorsFormatException(
                $"{where}: data_offsets [{begin}, {end}] lie outside the {dataLength} data bytes (expected begin <= end <= {dataLength}; truncated file?).");
        long expected;
        try { expected = checked(shape.Aggregate(1L, (a, b) => a * b) * SafeTensorDTypes.SizeOf(dtype)); }
        catch (OverflowException)
        {
            throw new SafeTensorsFormatException($"{where}: shape [{string.Join(", ", shape)}] overflows a 64-bit byte count.");
        }
        if (end - begin != expected)
            throw new SafeTensorsFormatException(
                $"{where}: shape [{string.Join(", ", shape)}] of {dtype} needs {expected} bytes, but data_offsets [{begin}, {end}] span {end - begin}.");
        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] ReadLongs(JsonElement value, string key, string where, int? expectedCount)
    {
        if (!value.TryGetProperty(key, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new SafeTensorsFormatException($"{where}: missing or non-array \"{key}\".");
        var result = new long[array.GetArrayLength()];
        int i = 0;
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out result[i]) || result[i] < 0)
                throw new SafeTensorsFormatException($"{where}: \"{key}\"[{i}] must be a non-negative integer, but is {e.GetRawText()}.");
            i++;
        }
        if (expectedCount is int n && result.Length != n)
            throw new SafeTensorsFormatException($"{where}: \"{key}\" must have {n} entries, but has {result.Length}.");
        return result;
    }

    /// <summary>Sorted by begin, each range must start where the previous one ended and the last must end at the
    /// end of the data: an overlap would alias two tensors, a hole or trailing bytes mean a corrupt header.</summary>
    private static void CheckTiling(List<SafeTensorInfo> sorted, long dataLength, string source)
    {
        long expected = 0;
        SafeTensorInfo? previous = null;
        foreach (var t in sorted)
        {
            if (t.Begin < expected)
                throw new SafeTensorsFormatException(
                    $"{source}: tensor '{t.Name}' data_offsets [{t.Begin}, {t.End}] overlap tensor '{previous!.Name}' [{previous.Begin}, {previous.End}].");
            if (t.Begin > expected)
                throw new SafeTensorsFormatException(
                    $"{source}: tensor '{t.Name}' starts at data byte {t.Begin}, but the previous tensor {(previous is null ? "(none)" : $"'{previous.Name}'")} ends at {expected}: {t.Begin - expected} bytes belong to no tensor (non-contiguous data).");
            expected = t.End;
            previous = t;
        }
        if (expected != dataLength)
            throw new SafeTensorsFormatException(
                $"{source}: the tensors end at data byte {expected}{(previous is null ? "" : $" (tensor '{previous.Name}')")}, but the data section has {dataLength} bytes: {dataLength - expected} bytes belong to no tensor.");
    }
}
