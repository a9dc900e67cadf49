using BlairClip.Build;

namespace BlairClip.Towers.Tests.Build;

public sealed class ElfVersionNeedsTests
{
    private static readonly string[] Allowed = [SyntheticElf.InitSymbol];

    [Fact]
    public void Read_SyntheticElf_ListsBothNeedsWithTheirSymbols()
    {
        var elf = SyntheticElf.Build();
        var needs = ElfVersionNeeds.Read(elf, "synthetic");
        needs.Select(n => (n.File, n.Version, n.Index, n.Flags)).Should().Equal(
            ("libstdc++.so.6", "GLIBCXX_3.4", (ushort)2, (ushort)0), ("libstdc++.so.6", "GLIBCXX_3.4.32", (ushort)3, (ushort)0));
        ElfVersionNeeds.SymbolsOfVersion(elf, 3, "synthetic").Should().Equal(SyntheticElf.InitSymbol);
    }

    [Fact]
    public void Weaken_StrongNeed_SetsVerFlgWeakInThatEntryAndChangesNothingElse()
    {
        var original = SyntheticElf.Build();
        var patched = (byte[])original.Clone();

        ElfVersionNeeds.Weaken(patched, "GLIBCXX_3.4.32", Allowed, "synthetic").Should().Be(ElfPatchResult.Weakened);

        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        changed.Should().Equal(SyntheticElf.NewVersionFlagsOffset);
        patched[SyntheticElf.NewVersionFlagsOffset].Should().Be((byte)ElfVersionNeeds.VerFlgWeak);
        ElfVersionNeeds.Read(patched, "synthetic").Single(n => n.Version == "GLIBCXX_3.4").Flags.Should().Be(0, "the other need stays strong");
    }

    [Fact]
    public void Weaken_AlreadyWeakOrNotRequired_WritesNothing()
    {
        var weak = SyntheticElf.Build(newVersionFlags: ElfVersionNeeds.VerFlgWeak);
        var copy = (byte[])weak.Clone();
        ElfVersionNeeds.Weaken(copy, "GLIBCXX_3.4.32", Allowed, "synthetic").Should().Be(ElfPatchResult.AlreadyWeak);
        copy.Should().Equal(weak);
        ElfVersionNeeds.Weaken(copy, "GLIBCXX_3.4.99", Allowed, "synthetic").Should().Be(ElfPatchResult.NotRequired);
        copy.Should().Equal(weak);
    }

    [Fact]
    public void Weaken_AnotherSymbolNeedsTheVersion_RefusesNamingIt()
    {
        var elf = SyntheticElf.Build(otherSymbolOnNewVersion: true);
        var before = (byte[])elf.Clone();
        FluentActions.Invoking(() => ElfVersionNeeds.Weaken(elf, "GLIBCXX_3.4.32", Allowed, "lib.so"))
            .Should().Throw<InvalidDataException>().WithMessage($"lib.so: symbol '{SyntheticElf.OtherSymbol}' also needs GLIBCXX_3.4.32*");
        elf.Should().Equal(before);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(100)]
    public void Read_TruncatedOrNotElf_ThrowsNamingTheFile(int keep)
    {
        var elf = SyntheticElf.Build()[..keep];
        FluentActions.Invoking(() => ElfVersionNeeds.Read(elf, "cut.so")).Should().Throw<InvalidDataException>().WithMessage("cut.so: *");
    }

    [Fact]
    public void WeakenFile_ReplacesTheFileInsteadOfWritingThroughAHardLink()
    {
        var dir = Directory.CreateTempSubdirectory("elf-").FullName;
        try
        {
            var cache = Path.Combine(dir, "cache.so");
            var output = Path.Combine(dir, "output.so");
            File.WriteAllBytes(cache, SyntheticElf.Build());
            Link(cache, output);

            ElfVersionNeeds.WeakenFile(output, "GLIBCXX_3.4.32", Allowed).Should().Be(ElfPatchResult.Weakened);

            File.ReadAllBytes(cache).Should().Equal(SyntheticElf.Build(), "the linked original (the NuGet cache's file) is untouched");
            ElfVersionNeeds.Read(File.ReadAllBytes(output), output).Single(n => n.Version == "GLIBCXX_3.4.32").Flags.Should().Be(ElfVersionNeeds.VerFlgWeak);
            ElfVersionNeeds.WeakenFile(output, "GLIBCXX_3.4.32", Allowed).Should().Be(ElfPatchResult.AlreadyWeak);
            Directory.GetFiles(dir).Should().HaveCount(2, "no temporary file is left behind");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void BuildOutput_TorchSharpBridge_IsPatchedCopyAndTheNuGetOriginalIsNot()
    {
        var output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        File.Exists(output).Should().BeTrue($"the build copies TorchSharp's bridge to {output}");
        var outputNeed = ElfVersionNeeds.Read(File.ReadAllBytes(output), output).Where(n => n.Version == "GLIBCXX_3.4.32").ToList();
        outputNeed.Should().NotBeEmpty("TorchSharp 0.107's bridge needs GLIBCXX_3.4.32");
        outputNeed.Should().OnlyContain(n => (n.Flags & ElfVersionNeeds.VerFlgWeak) != 0, "build/TorchSharpNatives.targets marks it weak");

        var original = Path.Combine(NuGetPackages(), "torchsharp", typeof(torch).Assembly.GetName().Version!.ToString(3),
            "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        File.Exists(original).Should().BeTrue($"the restored package holds {original}");
        ElfVersionNeeds.Read(File.ReadAllBytes(original), original).Where(n => n.Version == "GLIBCXX_3.4.32")
            .Should().OnlyContain(n => (n.Flags & ElfVersionNeeds.VerFlgWeak) == 0, "the file in the NuGet cache is never edited");
    }

    [Fact]
    public void TorchSharp_LoadsLibtorch210AndComputes()
    {
        torch.__version__.Should().StartWith("2.10");
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        a.matmul(a).data<float>().ToArray().Should().Equal(7f, 10f, 15f, 22f);
    }

    private static string NuGetPackages() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static void Link(string existing, string link)
    {
        using var p = System.Diagnostics.Process.Start("ln", [existing, link]);
        p.WaitForExit();
        p.ExitCode.Should().Be(0, "ln makes the hard link");
    }
}
