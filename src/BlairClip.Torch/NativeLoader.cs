using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BlairClip.Torch.Interop;

namespace BlairClip.Torch;

/// <summary>
/// Finds <c>libblairclip_torch.so</c> and checks its ABI version before the first native call.
/// Search order: the file named by <c>BLAIRCLIP_TORCH_NATIVE</c>; <c>native/build/</c> in the first ancestor of the
/// assembly folder that has one; the assembly folder itself.
/// </summary>
internal static class NativeLoader
{
    internal const int ExpectedAbiVersion = 3;
    internal const string EnvironmentVariable = "BLAIRCLIP_TORCH_NATIVE";
    private const string FileName = "libblairclip_torch.so";
    private static readonly object Gate = new();
    private static bool _checked;

    [ModuleInitializer]
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLoader).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == RuntimeNative.Library ? LoadFirst(Candidates().ToList()) : IntPtr.Zero;

    /// <summary>Loads the first existing file of <paramref name="candidates"/>.</summary>
    /// <exception cref="DllNotFoundException">None exists (the message lists them and says to run native/build.sh),
    /// or the first one fails to load (stale build against a libtorch that is gone).</exception>
    internal static IntPtr LoadFirst(IReadOnlyList<string> candidates)
    {
        foreach (var file in candidates)
        {
            if (!File.Exists(file)) continue;
            try { return NativeLibrary.Load(file); }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                throw new DllNotFoundException(
                    $"{file} exists but could not be loaded ({e.Message}). It was probably built against a libtorch " +
                    "that is no longer installed: run native/build.sh again.", e);
            }
        }
        throw new DllNotFoundException(
            $"The libtorch shim {FileName} was not found (looked in: {string.Join(", ", candidates)}). " +
            $"Build it with native/build.sh, or set {EnvironmentVariable} to its path.");
    }

    private static IEnumerable<string> Candidates()
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(env)) yield return Directory.Exists(env) ? Path.Combine(env, FileName) : env;
        var start = Path.GetDirectoryName(typeof(NativeLoader).Assembly.Location) ?? AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "native", "build", FileName);
            if (File.Exists(candidate)) { yield return candidate; break; }
        }
        yield return Path.Combine(start, FileName);
    }

    /// <summary>Loads the library once and verifies <c>bc_version</c>; warns on stderr about a slow BLAS.</summary>
    /// <exception cref="DllNotFoundException">The shim is missing or was built for another ABI version.</exception>
    internal static void EnsureLoaded()
    {
        if (_checked) return;
        lock (Gate)
        {
            if (_checked) return;
            int version;
            try { version = RuntimeNative.bc_version(); }
            catch (EntryPointNotFoundException e)
            {
                throw new DllNotFoundException($"{FileName} has no bc_version: it is not this project's shim. Run native/build.sh.", e);
            }
            if (version != ExpectedAbiVersion)
                throw new DllNotFoundException(
                    $"{FileName} has ABI version {version}, BlairClip.Torch expects {ExpectedAbiVersion}: " +
                    "the shim is stale, run native/build.sh.");
            _checked = true;
            BlasCheck.WarnIfReferenceBlas();
        }
    }
}
