namespace BlairClip.Torch.Tests;

public sealed class NativeLoaderTests
{
    [Fact]
    public void LoadFirst_NoCandidateExists_SaysToRunBuildScript()
    {
        var act = () => NativeLoader.LoadFirst(["/nonexistent/native/build/libblairclip_torch.so"]);
        act.Should().Throw<DllNotFoundException>()
            .WithMessage("*libblairclip_torch.so was not found (looked in: /nonexistent/native/build/libblairclip_torch.so)*native/build.sh*BLAIRCLIP_TORCH_NATIVE*");
    }

    [Fact]
    public void LoadFirst_FileIsNotALibrary_SaysToRebuild()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-a-library-{Guid.NewGuid():N}.so");
        File.WriteAllText(path, "not an ELF file");
        try
        {
            var act = () => NativeLoader.LoadFirst([path]);
            act.Should().Throw<DllNotFoundException>().WithMessage($"{path} exists but could not be loaded*run native/build.sh again*");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Version_LoadedShim_MatchesAbiAndReportsLibtorch()
    {
        torch.version.Should().MatchRegex(@"^\d+\.\d+");
        Interop.RuntimeNative.bc_version().Should().Be(NativeLoader.ExpectedAbiVersion);
        torch.show_config().Should().Contain("BLAS_INFO");
    }
}
