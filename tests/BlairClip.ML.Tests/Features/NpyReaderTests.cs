using System.Buffers.Binary;
using System.Text;
using BlairClip.ML.Data;
using BlairClip.ML.Features;
using FluentAssertions;

namespace BlairClip.ML.Tests.Features;

public class NpyReaderTests
{
    /// <summary>The bytes numpy.save writes: magic, version, header length, the dict padded with spaces to a
    /// multiple of 64 and ended by '\n', then the data.</summary>
    internal static byte[] Npy(string descr, bool fortran, string shape, byte[] data, int major = 1)
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        var header = dict.PadRight(total - prefix - 1) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange(Encoding.ASCII.GetBytes("NUMPY"));
        bytes.Add((byte)major); bytes.Add(0);
        if (major == 1) { var len = new byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length); bytes.AddRange(len); }
        else { var len = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)header.Length); bytes.AddRange(len); }
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    internal static byte[] F4(params float[] v)
    {
        var b = new byte[v.Length * 4];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(i * 4), v[i]);
        return b;
    }

    private static byte[] F8(params double[] v)
    {
        var b = new byte[v.Length * 8];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(i * 8), v[i]);
        return b;
    }

    [Fact]
    public void Parse_Float32V1COrder_RowMajorValues()
    {
        var (rows, dim, values) = NpyReader.Parse(Npy("<f4", false, "(2, 3)", F4(1, 2, 3, 4, 5, 6.5f)), "x.npy");
        (rows, dim).Should().Be((2, 3));
        values.Should().Equal(1, 2, 3, 4, 5, 6.5f);
    }

    [Fact]
    public void Parse_Float64_NarrowedToFloat32()
    {
        var (rows, dim, values) = NpyReader.Parse(Npy("<f8", false, "(3, 1)", F8(0.1, -2, 1e10)), "x.npy");
        (rows, dim).Should().Be((3, 1));
        values.Should().Equal((float)0.1, -2f, (float)1e10);
    }

    [Fact]
    public void Parse_Version2Header_Read()
    {
        var (rows, dim, values) = NpyReader.Parse(Npy("<f4", false, "(1, 2)", F4(7, 8), major: 2), "x.npy");
        (rows, dim).Should().Be((1, 2));
        values.Should().Equal(7, 8);
    }

    [Fact]
    public void Parse_FortranOrder_RefusedNamingKey()
    {
        var act = () => NpyReader.Parse(Npy("<f4", true, "(2, 2)", F4(1, 2, 3, 4)), "x.npy");
        act.Should().Throw<DataFormatException>().WithMessage("x.npy line 1: 'fortran_order' must be False*True*");
    }

    [Theory]
    [InlineData("<i4", "(1, 1)", "*'descr' must be '<f4'*but was '<i4'*")]
    [InlineData(">f4", "(1, 1)", "*'descr'*but was '>f4'*")]
    [InlineData("<f4", "(4,)", "*'shape' must be (rows, dim)*but was (4,)*")]
    [InlineData("<f4", "(2, 2)", "*needs 16 data bytes, but the file has 4*")]
    public void Parse_BadHeader_RefusedNamingKey(string descr, string shape, string message)
    {
        var act = () => NpyReader.Parse(Npy(descr, false, shape, F4(1)), "x.npy");
        act.Should().Throw<DataFormatException>().WithMessage(message);
    }

    [Fact]
    public void Parse_NotNpy_Refused()
    {
        var act = () => NpyReader.Parse(Encoding.ASCII.GetBytes("id,v1\na,1\n"), "x.npy");
        act.Should().Throw<DataFormatException>().WithMessage("x.npy line 1: not a NumPy .npy file*");
    }
}
