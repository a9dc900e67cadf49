// Marks one symbol-version requirement of an ELF shared object as weak, so the dynamic loader accepts a system library
// that lacks that version. Used at build time (build/TorchSharpNatives.targets compiles this file into an inline MSBuild
// task) and by the tests (compiled with BLAIRCLIP_ELF_TESTS, without the MSBuild task).
//
// Why: TorchSharp 0.107's libLibTorchSharp.so needs GLIBCXX_3.4.32 (GCC 13) for one symbol, _ZSt21ios_base_library_initv,
// which it references but never calls; Debian 12's libstdc++ stops at GLIBCXX_3.4.30, so dlopen fails. A weak version
// need (VER_FLG_WEAK in the Vernaux entry of .gnu.version_r) is only a warning for glibc's loader when the version is
// missing, and the symbol itself is bound lazily. No tool on a stock machine does this edit (patchelf cannot), hence
// the hand-written ELF reader: it touches two bytes and checks everything it reads.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace BlairClip.Build
{
    /// <summary>Outcome of <see cref="ElfVersionNeeds.Weaken"/>.</summary>
    public enum ElfPatchResult
    {
        /// <summary>The version need was strong and is now weak.</summary>
        Weakened,
        /// <summary>The version need was already weak: nothing written.</summary>
        AlreadyWeak,
        /// <summary>The file does not require that version: nothing written.</summary>
        NotRequired,
    }

    /// <summary>Reads and edits the version needs (<c>.gnu.version_r</c>) of a little-endian ELF64 file.</summary>
    public static class ElfVersionNeeds
    {
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const uint ShtGnuVersym = 0x6fffffff;
        private const uint ShtDynsym = 11;
        /// <summary>VER_FLG_WEAK of a Vernaux entry's vna_flags.</summary>
        public const ushort VerFlgWeak = 0x2;

        /// <summary>One Vernaux entry: a version required from a library.</summary>
        public sealed class Need
        {
            public string File = "";
            public string Version = "";
            public ushort Flags;
            public ushort Index;
            /// <summary>Offset of vna_flags in the file.</summary>
            public long FlagsOffset;
        }

        /// <summary>Every version need of <paramref name="elf"/>, in file order.</summary>
        /// <exception cref="InvalidDataException">Not a little-endian ELF64 file, or a table points outside the file.</exception>
        public static List<Need> Read(byte[] elf, string source)
        {
            var sections = Sections(elf, source);
            var result = new List<Need>();
            foreach (var s in sections)
            {
                if (s.Type != ShtGnuVerneed) continue;
                var strtab = Section(sections, s.Link, source);
                long at = s.Offset;
                for (uint n = 0; n < s.Info; n++)
                {
                    Check(elf, at, 16, source, ".gnu.version_r entry");
                    var cnt = U16(elf, at + 2);
                    var file = Str(elf, strtab, U32(elf, at + 4), source);
                    long aux = at + U32(elf, at + 8);
                    for (var a = 0; a < cnt; a++)
                    {
                        Check(elf, aux, 16, source, ".gnu.version_r aux entry");
                        result.Add(new Need
                        {
                            File = file,
                            Flags = U16(elf, aux + 4),
                            Index = U16(elf, aux + 6),
                            Version = Str(elf, strtab, U32(elf, aux + 8), source),
                            FlagsOffset = aux + 4,
                        });
                        var nextAux = U32(elf, aux + 12);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    var next = U32(elf, at + 12);
                    if (next == 0) break;
                    at += next;
                }
            }
            return result;
        }

        /// <summary>Names of the dynamic symbols bound to version index <paramref name="index"/> (from .gnu.version).</summary>
        public static List<string> SymbolsOfVersion(byte[] elf, ushort index, string source)
        {
            var sections = Sections(elf, source);
            var result = new List<string>();
            var versym = sections.Find(s => s.Type == ShtGnuVersym);
            var dynsym = sections.Find(s => s.Type == ShtDynsym);
            if (versym == null || dynsym == null) return result;
            var strtab = Section(sections, dynsym.Link, source);
            var count = dynsym.Size / 24;
            Check(elf, versym.Offset, count * 2, source, ".gnu.version");
            Check(elf, dynsym.Offset, count * 24, source, ".dynsym");
            for (long i = 0; i < count; i++)
            {
                var v = (ushort)(U16(elf, versym.Offset + 2 * i) & 0x7fff);
                if (v == index) result.Add(Str(elf, strtab, U32(elf, dynsym.Offset + 24 * i), source));
            }
            return result;
        }

        /// <summary>
        /// Makes the need for <paramref name="version"/> weak in the bytes of <paramref name="elf"/>, after checking that
        /// the only symbols bound to it are <paramref name="allowedSymbols"/> (weakening a version whose symbols are
        /// called would move the failure from load time to a crash).
        /// </summary>
        /// <exception cref="InvalidDataException">Malformed file, or another symbol needs that version (named).</exception>
        public static ElfPatchResult Weaken(byte[] elf, string version, ICollection<string> allowedSymbols, string source)
        {
            var needs = Read(elf, source).FindAll(n => n.Version == version);
            if (needs.Count == 0) return ElfPatchResult.NotRequired;
            var changed = false;
            foreach (var need in needs)
            {
                foreach (var symbol in SymbolsOfVersion(elf, need.Index, source))
                    if (!allowedSymbols.Contains(symbol))
                        throw new InvalidDataException(
                            $"{source}: symbol '{symbol}' also needs {version} from {need.File}; refusing to mark that version weak "
                            + $"(only [{string.Join(", ", allowedSymbols)}] were checked to be unused).");
                if ((need.Flags & VerFlgWeak) != 0) continue;
                var flags = (ushort)(need.Flags | VerFlgWeak);
                elf[need.FlagsOffset] = (byte)flags;
                elf[need.FlagsOffset + 1] = (byte)(flags >> 8);
                changed = true;
            }
            return changed ? ElfPatchResult.Weakened : ElfPatchResult.AlreadyWeak;
        }

        /// <summary>
        /// Patches the file at <paramref name="path"/>: reads it, weakens the need, and when anything changed writes a new
        /// file beside it and renames it over the original (so a hard link into the NuGet cache is replaced, never edited).
        /// </summary>
        public static ElfPatchResult WeakenFile(string path, string version, ICollection<string> allowedSymbols)
        {
            var bytes = System.IO.File.ReadAllBytes(path);
            var result = Weaken(bytes, version, allowedSymbols, path);
            if (result != ElfPatchResult.Weakened) return result;
            var temp = path + ".weak-" + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                // Copy first so the new file keeps the original's permissions, then overwrite its bytes and rename it
                // over the original (File.Replace is rename(2) on Unix).
                System.IO.File.Copy(path, temp);
                System.IO.File.WriteAllBytes(temp, bytes);
                System.IO.File.Replace(temp, path, null);
            }
            finally
            {
                if (System.IO.File.Exists(temp)) System.IO.File.Delete(temp);
            }
            return result;
        }

        private sealed class Sec
        {
            public uint Type, Link, Info;
            public long Offset, Size;
        }

        private static List<Sec> Sections(byte[] elf, string source)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException($"{source}: not an ELF file.");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException($"{source}: only little-endian ELF64 is handled, but EI_CLASS={elf[4]}, EI_DATA={elf[5]}.");
            var shoff = (long)U64(elf, 0x28);
            var shentsize = U16(elf, 0x3a);
            var shnum = U16(elf, 0x3c);
            if (shentsize != 64) throw new InvalidDataException($"{source}: section header size {shentsize}, expected 64.");
            Check(elf, shoff, (long)shnum * 64, source, "section header table");
            var list = new List<Sec>(shnum);
            for (var i = 0; i < shnum; i++)
            {
                long h = shoff + 64L * i;
                var s = new Sec
                {
                    Type = U32(elf, h + 4),
                    Offset = (long)U64(elf, h + 24),
                    Size = (long)U64(elf, h + 32),
                    Link = U32(elf, h + 40),
                    Info = U32(elf, h + 44),
                };
                if (s.Type != 8 /* SHT_NOBITS */) Check(elf, s.Offset, s.Size, source, $"section {i}");
                list.Add(s);
            }
            return list;
        }

        private static Sec Section(List<Sec> sections, uint index, string source) =>
            index < sections.Count ? sections[(int)index] : throw new InvalidDataException($"{source}: section index {index} out of range.");

        private static string Str(byte[] elf, Sec strtab, uint offset, string source)
        {
            long start = strtab.Offset + offset;
            if (offset >= strtab.Size) throw new InvalidDataException($"{source}: string offset {offset} outside its string table.");
            var end = Array.IndexOf(elf, (byte)0, (int)start, (int)(strtab.Offset + strtab.Size - start));
            if (end < 0) throw new InvalidDataException($"{source}: unterminated string at {start}.");
            return Encoding.ASCII.GetString(elf, (int)start, end - (int)start);
        }

        private static void Check(byte[] elf, long offset, long length, string source, string what)
        {
            if (offset < 0 || length < 0 || offset + length > elf.Length)
                throw new InvalidDataException($"{source}: {what} at {offset} (+{length}) lies outside the file ({elf.Length} bytes).");
        }

        // Little-endian reads by hand: the inline task compiles against netstandard2.0, which lacks BinaryPrimitives.
        private static ushort U16(byte[] b, long at) => (ushort)(b[at] | b[at + 1] << 8);
        private static uint U32(byte[] b, long at) => (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);
        private static ulong U64(byte[] b, long at) => U32(b, at) | (ulong)U32(b, at + 4) << 32;
    }

#if !BLAIRCLIP_ELF_TESTS
    /// <summary>MSBuild task: weakens <see cref="Version"/> in each of <see cref="Files"/> that exists.</summary>
    public sealed class WeakenElfVersionNeed : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required] public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();
        [Microsoft.Build.Framework.Required] public string Version { get; set; } = "";
        [Microsoft.Build.Framework.Required] public string AllowedSymbols { get; set; } = "";

        public override bool Execute()
        {
            var allowed = new HashSet<string>(AllowedSymbols.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries));
            foreach (var item in Files)
            {
                var path = item.ItemSpec;
                if (!System.IO.File.Exists(path)) continue;
                try
                {
                    var result = ElfVersionNeeds.WeakenFile(path, Version, allowed);
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"{path}: {Version} {result}");
                }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    Log.LogError($"Could not mark {Version} weak in {path}: {e.Message}");
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
