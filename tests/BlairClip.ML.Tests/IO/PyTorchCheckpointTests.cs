using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BlairClip.ML.IO;
using FluentAssertions;

namespace BlairClip.ML.Tests.IO;

public class PyTorchCheckpointTests
{
    private static byte[] Floats(params float[] values) => MemoryMarshal.AsBytes<float>(values).ToArray();

    [Fact]
    public void Open_TinyRoberta_BinEqualsSafetensorsTensorByTensor()
    {
        using var bin = PyTorchCheckpoint.Open(CheckpointFixtures.Path_("tiny-roberta/pytorch_model.bin"));
        using var st = SafeTensorsFile.Open(CheckpointFixtures.Path_("tiny-roberta/model.safetensors"));
        bin.Tensors.Should().HaveCount(39);
        bin.Tensors.Select(t => t.Name).Should().BeEquivalentTo(st.Tensors.Select(t => t.Name));
        foreach (var t in bin.Tensors)
        {
            t.DType.Should().Be(st.Info(t.Name).DType, t.Name);
            t.Shape.Should().Equal(st.Info(t.Name).Shape, t.Name);
            bin.GetBytes(t.Name).SequenceEqual(st.GetBytes(t.Name)).Should().BeTrue(t.Name);
        }
        bin.Info("embeddings.word_embeddings.weight").Shape.Should().Equal(50265, 16);
    }

    /// <summary>Storage "0" holds floats 0..11; views over it exercise offset, strides and sharing.</summary>
    private static void WriteViews(string path, string? byteOrder = null, CompressionLevel level = CompressionLevel.NoCompression)
    {
        var pickle = new PickleBuilder().Proto()
            .Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Mark()
                .Tensor("full", "FloatStorage", "0", 12, 0, [3, 4], [4, 1])
                .Tensor("tied", "FloatStorage", "0", 12, 0, [3, 4], [4, 1])
                .Tensor("transposed", "FloatStorage", "0", 12, 0, [4, 3], [1, 4])
                .Tensor("row1", "FloatStorage", "0", 12, 4, [4], [1])
                .Tensor("column2", "FloatStorage", "0", 12, 2, [3], [4])
                .Tensor("scalar", "FloatStorage", "0", 12, 5, [], [])
                .Tensor("bf16", "BFloat16Storage", "1", 2, 0, [2], [1])
                .Tensor("ids", "LongStorage", "2", 2, 0, [1, 2], [2, 1])
                .Tensor("mask", "BoolStorage", "3", 3, 0, [3], [1])
            .SetItems()
            .Mark().Str("_metadata").EmptyDict().Tuple().Op((byte)'0') // a tuple pushed and dropped (POP)
            .EmptyDict().Build()                                        // OrderedDict state, as torch.save writes _metadata
            .Stop().ToArray();
        bool big = byteOrder == "big";
        byte[] Order(byte[] bytes, int size)
        {
            if (big) for (int i = 0; i < bytes.Length; i += size) Array.Reverse(bytes, i, size);
            return bytes;
        }
        var storages = new Dictionary<string, byte[]>
        {
            ["0"] = Order(Floats(Enumerable.Range(0, 12).Select(i => (float)i).ToArray()), 4),
            ["1"] = Order(SafeTensorDTypes.SingleToBFloat16Bytes([1.5f, -2f]), 2),
            ["2"] = Order(MemoryMarshal.AsBytes<long>([7L, -1L]).ToArray(), 8),
            ["3"] = [1, 0, 1],
        };
        TorchZipBuilder.Write(path, pickle, storages, byteOrder, level: level);
    }

    [Theory]
    [InlineData(null, CompressionLevel.NoCompression)]
    [InlineData("little", CompressionLevel.NoCompression)]
    [InlineData("big", CompressionLevel.NoCompression)]
    [InlineData(null, CompressionLevel.Optimal)]
    public void Open_OffsetStrideAndSharedStorage_MaterialisesContiguousLittleEndian(string? byteOrder, CompressionLevel level)
    {
        using var dir = new TempDir();
        WriteViews(dir.File("views.bin"), byteOrder, level);
        using var c = PyTorchCheckpoint.Open(dir.File("views.bin"));

        c.Tensors.Select(t => t.Name).Should().Equal("full", "tied", "transposed", "row1", "column2", "scalar", "bf16", "ids", "mask");
        c.GetSingle("full").Should().Equal(Enumerable.Range(0, 12).Select(i => (float)i));
        c.GetBytes("tied").SequenceEqual(c.GetBytes("full")).Should().BeTrue();
        // transposed[i, j] = storage[i + 4j]
        c.GetSingle("transposed").Should().Equal(0f, 4f, 8f, 1f, 5f, 9f, 2f, 6f, 10f, 3f, 7f, 11f);
        c.Info("transposed").Shape.Should().Equal(4, 3);
        c.GetSingle("row1").Should().Equal(4f, 5f, 6f, 7f);
        c.GetSingle("column2").Should().Equal(2f, 6f, 10f);
        c.GetSingle("scalar").Should().Equal(5f);
        c.Info("scalar").Shape.Should().BeEmpty();
        c.Info("bf16").DType.Should().Be(SafeTensorDType.BF16);
        c.GetSingle("bf16").Should().Equal(1.5f, -2f);
        MemoryMarshal.Cast<byte, long>(c.GetBytes("ids")).ToArray().Should().Equal(7L, -1L);
        c.Info("mask").DType.Should().Be(SafeTensorDType.BOOL);
        c.GetBytes("mask").ToArray().Should().Equal((byte)1, (byte)0, (byte)1);
    }

    [Fact]
    public void GetBytes_StoredLittleEndian_IsZeroCopyAndSharedByTiedTensors()
    {
        using var dir = new TempDir();
        WriteViews(dir.File("views.bin"));
        using var c = PyTorchCheckpoint.Open(dir.File("views.bin"));
        ref readonly byte full = ref MemoryMarshal.GetReference(c.GetBytes("full"));
        ref readonly byte tied = ref MemoryMarshal.GetReference(c.GetBytes("tied"));
        ref readonly byte row1 = ref MemoryMarshal.GetReference(c.GetBytes("row1"));
        Unsafe.AreSame(in full, in tied).Should().BeTrue("tied weights share one storage");
        Unsafe.ByteOffset(in full, in row1).Should().Be(4 * sizeof(float), "row1 starts 4 elements into the same storage");
    }

    [Theory]
    [InlineData("tiny-roberta/pytorch_model.bin")]
    [InlineData("tiny-roberta/model.safetensors")]
    public void GetBytes_RealFile_DoesNotCopyTheTensor(string relative)
    {
        using var c = Checkpoint.Open(CheckpointFixtures.Path_(relative));
        const string name = "embeddings.word_embeddings.weight"; // [50265, 16] F32 = 3,216,960 bytes
        long before = GC.GetAllocatedBytesForCurrentThread();
        int length = c.GetBytes(name).Length;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        length.Should().Be(50265 * 16 * 4);
        allocated.Should().BeLessThan(length / 100, "the span points into the memory-mapped file");
    }

    [Theory]
    [InlineData("os", "system", false)]
    [InlineData("builtins", "eval", true)]
    [InlineData("subprocess", "Popen", false)]
    [InlineData("torch", "load", true)]
    [InlineData("collections", "defaultdict", false)]
    public void Open_UnknownGlobal_ThrowsUnsafePickleNamingGlobalAndFile(string module, string name, bool stackGlobal)
    {
        using var dir = new TempDir();
        var marker = dir.File("pwned");
        var p = new PickleBuilder().Proto(stackGlobal ? (byte)4 : (byte)2);
        p = stackGlobal ? p.StackGlobal(module, name) : p.Global(module, name);
        var pickle = p.Mark().Str($"touch {marker}").Tuple().Reduce().Stop().ToArray();
        TorchZipBuilder.Write(dir.File("evil.bin"), pickle, new Dictionary<string, byte[]>());

        var act = () => PyTorchCheckpoint.Open(dir.File("evil.bin"));
        act.Should().Throw<UnsafePickleException>()
            .WithMessage($"{dir.File("evil.bin")}!archive/data.pkl at byte *: global '{module}.{name}' is not allowed in a state dict; nothing was executed.*")
            .Which.Global.Should().Be($"{module}.{name}");
        File.Exists(marker).Should().BeFalse();
    }

    [Fact]
    public void Open_ObjectConstructionOpcode_Throws()
    {
        using var dir = new TempDir();
        // NEWOBJ (0x81) on an allowed class: still refused, only data opcodes are read.
        var pickle = new PickleBuilder().Proto().Global("collections", "OrderedDict").EmptyTuple().Op(0x81).Stop().ToArray();
        TorchZipBuilder.Write(dir.File("newobj.bin"), pickle, new Dictionary<string, byte[]>());
        var act = () => PyTorchCheckpoint.Open(dir.File("newobj.bin"));
        act.Should().Throw<CheckpointFormatException>().WithMessage("*newobj.bin!archive/data.pkl at byte 28: pickle opcode 0x81*not allowed*");
    }

    [Fact]
    public void Open_NonTensorEntry_ThrowsNamingKey()
    {
        using var dir = new TempDir();
        var pickle = new PickleBuilder().Proto().EmptyDict().Mark().Str("epoch").Int(3).SetItems().Stop().ToArray();
        TorchZipBuilder.Write(dir.File("train.bin"), pickle, new Dictionary<string, byte[]>());
        var act = () => PyTorchCheckpoint.Open(dir.File("train.bin"));
        act.Should().Throw<CheckpointFormatException>().WithMessage("*train.bin: state dict entry 'epoch' is a int, expected a tensor*");
    }

    [Fact]
    public void Open_ViewBeyondStorage_ThrowsNamingTensorAndStorage()
    {
        using var dir = new TempDir();
        var pickle = new PickleBuilder().Proto().EmptyDict().Mark()
            .Tensor("w", "FloatStorage", "0", 4, 2, [2, 2], [2, 1]).SetItems().Stop().ToArray();
        TorchZipBuilder.Write(dir.File("big.bin"), pickle, new Dictionary<string, byte[]> { ["0"] = Floats(1, 2, 3, 4) });
        var act = () => PyTorchCheckpoint.Open(dir.File("big.bin"));
        act.Should().Throw<CheckpointFormatException>().WithMessage("*big.bin: tensor 'w' (offset 2, size [2, 2], stride [2, 1]) reaches element 5 of storage '0', which has 4.");
    }

    [Fact]
    public void Open_StorageEntryTooShort_Throws()
    {
        using var dir = new TempDir();
        var pickle = new PickleBuilder().Proto().EmptyDict().Mark()
            .Tensor("w", "FloatStorage", "0", 100, 0, [100], [1]).SetItems().Stop().ToArray();
        TorchZipBuilder.Write(dir.File("short.bin"), pickle, new Dictionary<string, byte[]> { ["0"] = Floats(1, 2) });
        var act = () => PyTorchCheckpoint.Open(dir.File("short.bin"));
        act.Should().Throw<CheckpointFormatException>().WithMessage("*storage '0' of tensor 'w' should hold 100 F32 elements (400 bytes), but its entry has 8 bytes.");
    }

    [Fact]
    public void Open_LegacyPickleFormat_ThrowsSayingSo()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("old.bin"), [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
        var act = () => PyTorchCheckpoint.Open(dir.File("old.bin"));
        act.Should().Throw<CheckpointFormatException>().WithMessage("*old.bin: legacy torch.save format*not supported*");
    }

    [Fact]
    public void Open_DeflatedEntryFailingItsCrc_ThrowsNamingFileAndEntry()
    {
        using var dir = new TempDir();
        WriteViews(dir.File("views.bin"), null, CompressionLevel.Optimal);
        var bytes = File.ReadAllBytes(dir.File("views.bin"));
        bytes[ZipBytes.CentralHeaderOf(bytes, "archive/data.pkl") + 16] ^= 0x01;
        File.WriteAllBytes(dir.File("views.bin"), bytes);
        var act = () => PyTorchCheckpoint.Open(dir.File("views.bin"));
        act.Should().Throw<CheckpointFormatException>()
            .WithMessage($"{dir.File("views.bin")}: not a readable zip archive (entry archive/data.pkl is damaged: its CRC32 is *, but the zip directory records *)*");
    }

    [Fact]
    public void Open_TruncatedRealFile_ThrowsNamingFile()
    {
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(CheckpointFixtures.Path_("tiny-vit-pytorch-bin/pytorch_model.bin"));
        File.WriteAllBytes(dir.File("cut.bin"), bytes[..(bytes.Length * 7 / 10)]);
        var act = () => PyTorchCheckpoint.Open(dir.File("cut.bin"));
        act.Should().Throw<CheckpointFormatException>().WithMessage($"{dir.File("cut.bin")}: not a readable zip archive*truncated*");
    }

    [Fact]
    public void Open_TruncatedPickle_Throws()
    {
        using var dir = new TempDir();
        var pickle = new PickleBuilder().Proto().EmptyDict().Mark().Str("w").ToArray();
        TorchZipBuilder.Write(dir.File("p.bin"), pickle, new Dictionary<string, byte[]>());
        var act = () => PyTorchCheckpoint.Open(dir.File("p.bin"));
        act.Should().Throw<CheckpointFormatException>().WithMessage("*p.bin!archive/data.pkl at byte 10: pickle ends without a STOP opcode*");
    }

    [Fact]
    public void Open_UnsupportedStorageType_ThrowsNamingIt()
    {
        using var dir = new TempDir();
        var pickle = new PickleBuilder().Proto().EmptyDict().Mark()
            .Tensor("z", "ComplexFloatStorage", "0", 1, 0, [1], [1]).SetItems().Stop().ToArray();
        TorchZipBuilder.Write(dir.File("complex.bin"), pickle, new Dictionary<string, byte[]> { ["0"] = new byte[8] });
        var act = () => PyTorchCheckpoint.Open(dir.File("complex.bin"));
        act.Should().Throw<CheckpointFormatException>().WithMessage("*complex.bin!archive/data.pkl at byte *: storage type 'torch.ComplexFloatStorage' is not supported*")
            .Which.Should().NotBeOfType<UnsafePickleException>();
    }
}
