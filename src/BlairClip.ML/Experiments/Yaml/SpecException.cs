using YamlDotNet.Core;

namespace BlairClip.ML.Experiments.Yaml;

/// <summary>A study or pipeline file that cannot be used as written. The message starts with
/// <c>file:line:column:</c> and names the key.</summary>
public sealed class SpecException : Exception
{
    public SpecException(string file, Mark? at, string message, Exception? inner = null)
        : base(at is { } m && m.Line > 0 ? $"{file}:{m.Line}:{m.Column}: {message}" : $"{file}: {message}", inner)
    {
        File = file;
    }

    public string File { get; }
}
