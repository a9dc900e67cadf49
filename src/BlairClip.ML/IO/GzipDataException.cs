namespace BlairClip.ML.IO;

/// <summary>A gzip file is damaged: cut short, a header or trailer that does not hold, corrupt deflate data, or bytes
/// after the last member that are not another member. The message names the file, the problem and the compressed byte
/// where it was found; a reader that knows lines (<see cref="Data.Parsing.Utf8LineReader"/>) adds the line reached.
/// It is an <see cref="IOException"/> (as <see cref="CheckpointFormatException"/> is; <see cref="InvalidDataException"/>
/// is sealed), and not a <see cref="Data.DataFormatException"/> on purpose: damage is never one bad line that a
/// <c>skip</c> policy may pass over.</summary>
public sealed class GzipDataException(string file, long offset, string problem, Exception? inner = null)
    : IOException($"{file}: {problem} (at compressed byte {offset:N0})", inner)
{
    /// <summary>The file as it was opened.</summary>
    public string File { get; } = file;

    /// <summary>The byte of the compressed file where the problem was found (or, for a trailer, the member began).</summary>
    public long Offset { get; } = offset;

    /// <summary>The problem without the file name and offset.</summary>
    public string Problem { get; } = problem;
}
