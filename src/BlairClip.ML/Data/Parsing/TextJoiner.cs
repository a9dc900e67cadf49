using System.Text;

namespace BlairClip.ML.Data.Parsing;

/// <summary>Joins text pieces with single spaces, trimming each and skipping empty ones, so missing or empty
/// fields never produce double spaces.</summary>
internal sealed class TextJoiner
{
    private readonly StringBuilder _sb = new();

    public void Clear() => _sb.Clear();
    public int Length => _sb.Length;

    public void Append(ReadOnlySpan<char> piece)
    {
        piece = piece.Trim();
        if (piece.IsEmpty) return;
        if (_sb.Length > 0) _sb.Append(' ');
        _sb.Append(piece);
    }

    /// <summary>Appends everything <paramref name="other"/> holds as one piece.</summary>
    public void Append(TextJoiner other)
    {
        if (other._sb.Length == 0) return;
        if (_sb.Length > 0) _sb.Append(' ');
        _sb.Append(other._sb);
    }

    public override string ToString() => _sb.ToString();
}
