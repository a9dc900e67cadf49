using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace BlairClip.ML.Tests.IO;

/// <summary>Writes pickles opcode by opcode, for crafting torch.save archives (valid, odd or malicious) in tests.</summary>
internal sealed class PickleBuilder
{
    private readonly MemoryStream _out = new();

    public PickleBuilder Op(byte op) { _out.WriteByte(op); return this; }
    public PickleBuilder Proto(byte version = 2) => Op(0x80).Op(version);
    public PickleBuilder Mark() => Op((byte)'(');
    public PickleBuilder Tuple() => Op((byte)'t');
    public PickleBuilder EmptyTuple() => Op((byte)')');
    public PickleBuilder EmptyDict() => Op((byte)'}');
    public PickleBuilder SetItems() => Op((byte)'u');
    public PickleBuilder Reduce() => Op((byte)'R');
    public PickleBuilder Build() => Op((byte)'b');
    public PickleBuilder BinPersId() => Op((byte)'Q');
    public PickleBuilder NewFalse() => Op(0x89);
    public PickleBuilder Stop() => Op((byte)'.');
    public PickleBuilder Put(byte index) => Op((byte)'q').Op(index);
    public PickleBuilder Get(byte index) => Op((byte)'h').Op(index);

    public PickleBuilder Str(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        Op((byte)'X');
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(len, bytes.Length);
        _out.Write(len);
        _out.Write(bytes);
        return this;
    }

    public PickleBuilder Int(long v)
    {
        if (v is >= 0 and < 256) return Op((byte)'K').Op((byte)v);
        Op(0x8a).Op(8); // LONG1 with 8 bytes
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, v);
        _out.Write(b);
        return this;
    }

    /// <summary>GLOBAL opcode: <c>c module\nname\n</c>.</summary>
    public PickleBuilder Global(string module, string name)
    {
        Op((byte)'c');
        _out.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
        return this;
    }

    /// <summary>STACK_GLOBAL (protocol 4): module and name strings on the stack.</summary>
    public PickleBuilder StackGlobal(string module, string name) => Str(module).Str(name).Op(0x93);

    public PickleBuilder Ints(params long[] values)
    {
        Mark();
        foreach (var v in values) Int(v);
        return Tuple();
    }

    /// <summary>One state-dict entry the way torch.save writes it:
    /// <c>name: _rebuild_tensor_v2(persid(('storage', torch.&lt;type&gt;, key, 'cpu', numel)), offset, size, stride, False, OrderedDict())</c>.</summary>
    public PickleBuilder Tensor(string name, string storageType, string key, long numel, long offset, long[] size, long[] stride) =>
        Str(name).Global("torch._utils", "_rebuild_tensor_v2")
            .Mark()
                .Mark().Str("storage").Global("torch", storageType).Str(key).Str("cpu").Int(numel).Tuple().BinPersId()
                .Int(offset).Ints(size).Ints(stride).NewFalse()
                .Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Tuple().Reduce();

    public byte[] ToArray() => _out.ToArray();
}

/// <summary>Writes a zip laid out as torch.save does: <c>archive/data.pkl</c>, <c>archive/data/&lt;key&gt;</c>,
/// <c>archive/version</c>, optional <c>archive/byteorder</c>.</summary>
internal static class TorchZipBuilder
{
    public static void Write(string path, byte[] pickle, IReadOnlyDictionary<string, byte[]> storages, string? byteOrder = null,
        string archive = "archive", CompressionLevel level = CompressionLevel.NoCompression)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        void Add(string name, byte[] bytes)
        {
            using var s = zip.CreateEntry($"{archive}/{name}", level).Open();
            s.Write(bytes);
        }
        Add("data.pkl", pickle);
        if (byteOrder is not null) Add("byteorder", Encoding.ASCII.GetBytes(byteOrder));
        foreach (var (key, bytes) in storages) Add($"data/{key}", bytes);
        Add("version", "3\n"u8.ToArray());
    }
}
