using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using BlairClip.ML.IO;
using FluentAssertions;

namespace BlairClip.ML.Tests.IO;

public class SafeTensorsTests
{
    private static byte[] Pattern(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 37 + 11)).ToArray();

    [Theory]
    [InlineData(SafeTensorDType.F64)] [InlineData(SafeTensorDType.F32)] [InlineData(SafeTensorDType.F16)]
    [InlineData(SafeTensorDType.BF16)] [InlineData(SafeTensorDType.I64)] [InlineData(SafeTensorDType.I32)]
    [InlineData(SafeTensorDType.I16)] [InlineData(SafeTensorDType.I8)] [InlineData(SafeTensorDType.U8)]
    [InlineData(SafeTensorDType.BOOL)]
    public void SaveOpen_EachDType_SameBytesShapeAndDType(SafeTensorDType dtype)
    {
        using var dir = new TempDir();
        var bytes = dtype == SafeTensorDType.BOOL ? [1, 0, 0, 1, 1, 0] : Pattern(2 * 3 * SafeTensorDTypes.SizeOf(dtype));
        var writer = new SafeTensorsWriter().AddRaw("w", dtype, bytes, 2, 3).AddRaw("after", SafeTensorDType.U8, [7], 1);
        writer.Save(dir.File("t.safetensors"));

        using var mapped = SafeTensorsFile.Open(dir.File("t.safetensors"));
        var parsed = SafeTensorsFile.Parse(writer.ToArray(), "memory");

        foreach (var file in new[] { mapped, parsed })
        {
            file.Info("w").DType.Should().Be(dtype);
            file.Info("w").Shape.Should().Equal(2, 3);
            file.GetBytes("w").ToArray().Should().Equal(bytes);
            file.GetBytes("after").ToArray().Should().Equal((byte)7);
        }
    }

    [Fact]
    public void AddGet_TypedElements_RoundTripThroughMappedFile()
    {
        using var dir = new TempDir();
        new SafeTensorsWriter()
            .Add<double>("d", [1.5, -2.25], 2).Add<Half>("h", [(Half)0.5f, (Half)(-3f)], 2)
            .Add<long>("l", [long.MinValue, 42], 2).Add<bool>("b", [true, false, true], 3)
            .Save(dir.File("t.safetensors"));
        using var f = SafeTensorsFile.Open(dir.File("t.safetensors"));
        f.Get<double>("d").Should().Equal(1.5, -2.25);
        f.Get<Half>("h").Should().Equal((Half)0.5f, (Half)(-3f));
        f.Get<long>("l").Should().Equal(long.MinValue, 42);
        f.Get<bool>("b").Should().Equal(true, false, true);
        f.Tensors.Select(t => t.Name).Should().Equal("d", "h", "l", "b");
    }

    [Fact]
    public void Open_ScalarAndMetadata_RoundTrip()
    {
        using var dir = new TempDir();
        var w = new SafeTensorsWriter().Add<float>("logit_scale", [2.6592f]);
        w.Metadata["format"] = "pt";
        w.Save(dir.File("s.safetensors"));
        using var f = SafeTensorsFile.Open(dir.File("s.safetensors"));
        f.Info("logit_scale").Shape.Should().BeEmpty();
        f.Info("logit_scale").ElementCount.Should().Be(1);
        f.GetSingle("logit_scale").Should().Equal(2.6592f);
        f.Metadata.Should().Equal(new Dictionary<string, string> { ["format"] = "pt" });
    }

    [Fact]
    public void ToSingle_BFloat16_IsUpperHalfOfFloat32()
    {
        // 37 values: two 16-lane vector blocks plus a scalar tail.
        var values = Enumerable.Range(0, 37).Select(i => (float)Math.Pow(-1.5, i % 9) * (i + 1) / 8f).ToArray();
        var upper = values.Select(v => (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)).ToArray();
        var expected = upper.Select(u => BitConverter.UInt32BitsToSingle((uint)u << 16)).ToArray();
        SafeTensorDTypes.ToSingle(MemoryMarshal.AsBytes<ushort>(upper), SafeTensorDType.BF16).Should().Equal(expected);
    }

    [Fact]
    public void SingleToBFloat16Bytes_Ties_RoundToEven()
    {
        float halfway = 1f + MathF.Pow(2, -8);       // between 1 and 1 + 2^-7: ties to the even mantissa, 1
        float above = 1f + 3 * MathF.Pow(2, -9);     // nearer 1 + 2^-7
        float odd = 1f + 3 * MathF.Pow(2, -8);       // between 1 + 2^-7 (odd) and 1 + 2^-6: ties to 1 + 2^-6
        var bytes = SafeTensorDTypes.SingleToBFloat16Bytes([halfway, above, odd, -2f]);
        SafeTensorDTypes.ToSingle(bytes, SafeTensorDType.BF16).Should().Equal(1f, 1f + MathF.Pow(2, -7), 1f + MathF.Pow(2, -6), -2f);
    }

    [Fact]
    public void ToSingle_OtherDTypes_ConvertElementwise()
    {
        SafeTensorDTypes.ToSingle(MemoryMarshal.AsBytes<Half>([(Half)0.1f, (Half)(-65504f)]), SafeTensorDType.F16)
            .Should().Equal((float)(Half)0.1f, -65504f);
        SafeTensorDTypes.ToSingle(MemoryMarshal.AsBytes<double>([0.1, 1e40]), SafeTensorDType.F64)
            .Should().Equal(0.1f, float.PositiveInfinity);
        SafeTensorDTypes.ToSingle(MemoryMarshal.AsBytes<long>([-3, 1L << 40]), SafeTensorDType.I64).Should().Equal(-3f, 1099511627776f);
        SafeTensorDTypes.ToSingle(MemoryMarshal.AsBytes<short>([-7, 300]), SafeTensorDType.I16).Should().Equal(-7f, 300f);
        SafeTensorDTypes.ToSingle([0xFF, 0x01], SafeTensorDType.I8).Should().Equal(-1f, 1f);
        SafeTensorDTypes.ToSingle([0xFF, 0x01], SafeTensorDType.U8).Should().Equal(255f, 1f);
        SafeTensorDTypes.ToSingle([0, 1, 2], SafeTensorDType.BOOL).Should().Equal(0f, 1f, 1f);
        var act = () => SafeTensorDTypes.ToSingle(new byte[3], SafeTensorDType.F16);
        act.Should().Throw<ArgumentException>().WithMessage("*3 bytes*F16*");
    }

    [Fact]
    public void GetBytes_AfterDispose_Throws()
    {
        using var dir = new TempDir();
        new SafeTensorsWriter().Add<float>("x", [1f], 1).Save(dir.File("x.safetensors"));
        var f = SafeTensorsFile.Open(dir.File("x.safetensors"));
        f.Dispose();
        var act = () => f.GetBytes("x").ToArray();
        act.Should().Throw<ObjectDisposedException>();
    }

    /// <summary>A safetensors buffer with a hand-written header and <paramref name="dataBytes"/> zero bytes of data.</summary>
    private static byte[] Raw(string json, int dataBytes, long? headerLength = null)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var buffer = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteInt64LittleEndian(buffer, headerLength ?? header.Length);
        header.CopyTo(buffer, 8);
        return buffer;
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8, "*bad.safetensors: tensor 'a'*[0, 16]*outside the 8 data bytes*")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "*tensor 'b'*[4, 12] overlap tensor 'a' [0, 8]*")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12, "*tensor 'b' starts at data byte 8*'a' ends at 4*4 bytes belong to no tensor*")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8, "*end at data byte 4 (tensor 'a')*8 bytes*4 bytes belong to no tensor*")]
    [InlineData("""{"a":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}""", 1, "*tensor 'a': unknown dtype 'F8'*")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, "*tensor 'a': shape [3] of F32 needs 12 bytes*span 8*")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", 4, "*tensor 'a': \"shape\"[0] must be a non-negative integer, but is -1*")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]""", 4, "*bad.safetensors: header is not valid JSON*")]
    [InlineData("""[1, 2]""", 0, "*header must be a JSON object, but is a Array*")]
    [InlineData("""{"__metadata__":{"format":3}}""", 0, "*__metadata__ key 'format' must be a string, but is a Number (3)*")]
    public void Parse_BadHeader_ThrowsNamingFileTensorAndProblem(string json, int dataBytes, string message)
    {
        var act = () => SafeTensorsFile.Parse(Raw(json, dataBytes), "bad.safetensors");
        act.Should().Throw<SafeTensorsFormatException>().WithMessage(message);
    }

    [Fact]
    public void Parse_HeaderLengthBeyondFile_Throws()
    {
        var act = () => SafeTensorsFile.Parse(Raw("{}", 0, headerLength: 1000), "short.safetensors");
        act.Should().Throw<SafeTensorsFormatException>().WithMessage("short.safetensors: header length 1000 does not fit in the file of 10 bytes*");
    }

    [Fact]
    public void Open_TruncatedRealFile_ThrowsNamingFileAndTensor()
    {
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(CheckpointFixtures.Path_("tiny-gpt2-safetensors/model.safetensors"));
        File.WriteAllBytes(dir.File("cut.safetensors"), bytes[..(bytes.Length / 2)]);
        File.WriteAllBytes(dir.File("stub.safetensors"), bytes[..5]);

        var cut = () => SafeTensorsFile.Open(dir.File("cut.safetensors"));
        cut.Should().Throw<SafeTensorsFormatException>().WithMessage($"{dir.File("cut.safetensors")}: tensor 'transformer.*': data_offsets*outside*truncated file?*");
        var stub = () => SafeTensorsFile.Open(dir.File("stub.safetensors"));
        stub.Should().Throw<SafeTensorsFormatException>().WithMessage("*stub.safetensors: truncated safetensors file (5 bytes*");
    }

    [Fact]
    public void Info_UnknownName_ThrowsListingNames()
    {
        var f = SafeTensorsFile.Parse(new SafeTensorsWriter().Add<int>("a", [1], 1).ToArray(), "mem");
        var act = () => f.Info("b");
        act.Should().Throw<KeyNotFoundException>().WithMessage("mem: no tensor 'b' (has 1: a).");
    }
}
