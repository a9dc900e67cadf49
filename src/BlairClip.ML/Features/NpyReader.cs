using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using BlairClip.ML.Data;

namespace BlairClip.ML.Features;

/// <summary>Reads a 2-d float matrix from a NumPy <c>.npy</c> file (format versions 1.0, 2.0 and 3.0): the magic
/// <c>\x93NUMPY</c>, major and minor version bytes, a little-endian header length (2 bytes in v1, 4 in v2/v3), then an
/// ASCII (v3: UTF-8) Python dict literal <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (rows, dim), }</c>
/// and the raw data. Accepts little-endian float32 (<c>&lt;f4</c>) and float64 (<c>&lt;f8</c>, narrowed to float32)
/// in C order; refuses Fortran order, other dtypes and shapes that are not 2-d.</summary>
public static partial class NpyReader
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads <paramref name="path"/>; <paramref name="name"/> is how errors name the file.</summary>
    /// <returns>The row count, the dimension and the values <c>[rows, dim]</c> row-major.</returns>
    /// <exception cref="DataFormatException">Not an npy file, an unsupported header, or fewer data bytes than the
    /// shape needs; the message names the file (line 1 = the header) and the header key.</exception>
    public static (int Rows, int Dimension, float[] Values) Read(string path, string name) =>
        Parse(File.ReadAllBytes(path), name);

    /// <summary>Parses npy bytes (see <see cref="Read"/>).</summary>
    public static (int Rows, int Dimension, float[] Values) Parse(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
            throw new DataFormatException(name, 1, "not a NumPy .npy file: expected the magic bytes \\x93NUMPY at the start");
        int major = bytes[6];
        int headerLength, offset;
        switch (major)
        {
            case 1: headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]); offset = 10; break;
            case 2 or 3:
                if (bytes.Length < 12) throw new DataFormatException(name, 1, "truncated .npy header");
                headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..])); offset = 12; break;
            default: throw new DataFormatException(name, 1, $".npy format version must be 1, 2 or 3, but was {major}.{bytes[7]}");
        }
        if (offset + headerLength > bytes.Length)
            throw new DataFormatException(name, 1, $".npy header claims {headerLength} bytes, but the file has only {bytes.Length - offset} after the preamble");
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes.Slice(offset, headerLength));

        var descr = Key(DescrRegex(), header, "descr", name);
        var fortran = Key(FortranRegex(), header, "fortran_order", name);
        var shapeText = Key(ShapeRegex(), header, "shape", name);
        if (fortran != "False")
            throw new DataFormatException(name, 1, $"'fortran_order' must be False (C order), but was {fortran}; save the array with np.ascontiguousarray");
        int size = descr switch
        {
            "<f4" => 4,
            "<f8" => 8,
            _ => throw new DataFormatException(name, 1, $"'descr' must be '<f4' (float32) or '<f8' (float64), little-endian, but was '{descr}'"),
        };
        var dims = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (dims.Length != 2 || !int.TryParse(dims[0], NumberStyles.None, CultureInfo.InvariantCulture, out int rows)
            || !int.TryParse(dims[1], NumberStyles.None, CultureInfo.InvariantCulture, out int dim) || dim == 0)
            throw new DataFormatException(name, 1, $"'shape' must be (rows, dim) with dim > 0, but was ({shapeText})");

        long count = (long)rows * dim;
        var data = bytes[(offset + headerLength)..];
        if (data.Length != count * size)
            throw new DataFormatException(name, 1, $"shape ({rows}, {dim}) of {descr} needs {count * size} data bytes, but the file has {data.Length}");
        var values = new float[count];
        if (size == 4 && BitConverter.IsLittleEndian)
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data).CopyTo(values);
        else if (size == 4)
            for (long i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(int)(i * 4)..]);
        else
            for (long i = 0; i < count; i++) values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(data[(int)(i * 8)..]);
        return (rows, dim, values);
    }

    private static string Key(Regex regex, string header, string key, string name)
    {
        var m = regex.Match(header);
        return m.Success ? m.Groups[1].Value
            : throw new DataFormatException(name, 1, $".npy header has no valid '{key}' entry: {header.Trim()}");
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrRegex();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(\w+)")]
    private static partial Regex FortranRegex();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeRegex();
}
