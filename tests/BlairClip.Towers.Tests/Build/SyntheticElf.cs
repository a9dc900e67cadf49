using System.Buffers.Binary;

namespace BlairClip.Towers.Tests.Build;

/// <summary>
/// A minimal little-endian ELF64 shared-object image with the four sections the version-need patch reads: .dynstr,
/// .dynsym (two symbols), .gnu.version and .gnu.version_r (libstdc++.so.6 needing GLIBCXX_3.4 as index 2 and
/// GLIBCXX_3.4.32 as index 3). Offsets are fixed, so a test can name the exact byte the patch must change.
/// </summary>
internal static class SyntheticElf
{
    public const string InitSymbol = "_ZSt21ios_base_library_initv";
    public const string OtherSymbol = "_ZNSt8ios_base4InitC1Ev";

    /// <summary>Offset of the GLIBCXX_3.4.32 Vernaux entry's vna_flags.</summary>
    public static int NewVersionFlagsOffset { get; private set; }

    /// <summary>The image; with <paramref name="otherSymbolOnNewVersion"/> the second symbol is bound to GLIBCXX_3.4.32 too.</summary>
    public static byte[] Build(bool otherSymbolOnNewVersion = false, ushort newVersionFlags = 0)
    {
        var strings = new MemoryStream();
        int Str(string s) { var at = (int)strings.Length; var b = System.Text.Encoding.ASCII.GetBytes(s + "\0"); strings.Write(b); return at; }
        Str("");
        int lib = Str("libstdc++.so.6"), v34 = Str("GLIBCXX_3.4"), v3432 = Str("GLIBCXX_3.4.32"), init = Str(InitSymbol), other = Str(OtherSymbol);
        var dynstr = strings.ToArray();

        var dynsym = new byte[3 * 24];
        BinaryPrimitives.WriteUInt32LittleEndian(dynsym.AsSpan(24), (uint)init);
        BinaryPrimitives.WriteUInt32LittleEndian(dynsym.AsSpan(48), (uint)other);
        var versym = new byte[3 * 2];
        BinaryPrimitives.WriteUInt16LittleEndian(versym.AsSpan(2), 3);
        BinaryPrimitives.WriteUInt16LittleEndian(versym.AsSpan(4), (ushort)(otherSymbolOnNewVersion ? 3 : 2));

        var verneed = new byte[16 + 2 * 16];
        var s = verneed.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(s, 1);              // vn_version
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], 2);         // vn_cnt
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], (uint)lib); // vn_file
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], 16);        // vn_aux
        BinaryPrimitives.WriteUInt16LittleEndian(s[(16 + 6)..], 2);  // aux 0: vna_other
        BinaryPrimitives.WriteUInt32LittleEndian(s[(16 + 8)..], (uint)v34);
        BinaryPrimitives.WriteUInt32LittleEndian(s[(16 + 12)..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(s[(32 + 4)..], newVersionFlags);
        BinaryPrimitives.WriteUInt16LittleEndian(s[(32 + 6)..], 3);  // aux 1: vna_other
        BinaryPrimitives.WriteUInt32LittleEndian(s[(32 + 8)..], (uint)v3432);

        var body = new MemoryStream();
        body.Write(new byte[64]);
        long Put(byte[] b) { var at = body.Length; body.Write(b); return at; }
        long strAt = Put(dynstr), symAt = Put(dynsym), verAt = Put(versym), needAt = Put(verneed);
        NewVersionFlagsOffset = (int)needAt + 32 + 4;
        var shoff = body.Length;
        var headers = new byte[5 * 64];
        void Header(int i, uint type, long offset, long size, uint link, uint info)
        {
            var h = headers.AsSpan(i * 64);
            BinaryPrimitives.WriteUInt32LittleEndian(h[4..], type);
            BinaryPrimitives.WriteUInt64LittleEndian(h[24..], (ulong)offset);
            BinaryPrimitives.WriteUInt64LittleEndian(h[32..], (ulong)size);
            BinaryPrimitives.WriteUInt32LittleEndian(h[40..], link);
            BinaryPrimitives.WriteUInt32LittleEndian(h[44..], info);
        }
        Header(1, 3, strAt, dynstr.Length, 0, 0);
        Header(2, 11, symAt, dynsym.Length, 1, 1);
        Header(3, 0x6fffffff, verAt, versym.Length, 2, 0);
        Header(4, 0x6ffffffe, needAt, verneed.Length, 1, 1);
        body.Write(headers);
        var elf = body.ToArray();
        elf[0] = 0x7f; elf[1] = (byte)'E'; elf[2] = (byte)'L'; elf[3] = (byte)'F'; elf[4] = 2; elf[5] = 1; elf[6] = 1;
        BinaryPrimitives.WriteUInt64LittleEndian(elf.AsSpan(0x28), (ulong)shoff);
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(0x3a), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(0x3c), 5);
        return elf;
    }
}
