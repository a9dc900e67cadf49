namespace BlairClip.ML.Text.Tokenizers;

/// <summary>
/// A token the text is split on before pre-tokenisation (HF <c>AddedToken</c>): an occurrence of
/// <see cref="Content"/> in the input becomes <see cref="Id"/> as a whole. <see cref="LStrip"/> makes the token absorb
/// the white space before it (RoBERTa's <c>&lt;mask&gt;</c>), <see cref="RStrip"/> the white space after it.
/// </summary>
public sealed record AddedToken(string Content, int Id, bool LStrip = false, bool RStrip = false);

/// <summary>Splits text at added tokens, leftmost match first and the longest content at one position.</summary>
internal sealed class AddedTokenSplitter
{
    private readonly AddedToken[] _byLengthDesc;
    private readonly System.Buffers.SearchValues<char> _firstChars;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        _byLengthDesc = [.. tokens.Where(t => t.Content.Length > 0).OrderByDescending(t => t.Content.Length)];
        _firstChars = System.Buffers.SearchValues.Create([.. _byLengthDesc.Select(t => t.Content[0]).Distinct()]);
    }

    /// <summary>False when no added token can occur in <paramref name="s"/> (none of their first characters does),
    /// so the caller can skip splitting.</summary>
    public bool MayOccurIn(ReadOnlySpan<char> s) => s.ContainsAny(_firstChars);

    public IReadOnlyList<AddedToken> Tokens => _byLengthDesc;

    /// <summary>Appends to <paramref name="pieces"/> each stretch of plain text as <c>(start, end, null)</c> and each
    /// added token as <c>(start, end, token)</c>, in order; stripped white space belongs to no piece.</summary>
    public void Split(ReadOnlySpan<char> s, List<(int Start, int End, AddedToken? Token)> pieces)
    {
        var textStart = 0;
        var pos = 0;
        while (pos < s.Length)
        {
            var match = _firstChars.Contains(s[pos]) ? MatchAt(s, pos) : null;
            if (match is null) { pos++; continue; }
            var textEnd = pos;
            if (match.LStrip) while (textEnd > textStart && char.IsWhiteSpace(s[textEnd - 1])) textEnd--;
            if (textEnd > textStart) pieces.Add((textStart, textEnd, null));
            pieces.Add((pos, pos + match.Content.Length, match));
            pos += match.Content.Length;
            if (match.RStrip) while (pos < s.Length && char.IsWhiteSpace(s[pos])) pos++;
            textStart = pos;
        }
        if (s.Length > textStart) pieces.Add((textStart, s.Length, null));
    }

    private AddedToken? MatchAt(ReadOnlySpan<char> s, int pos)
    {
        foreach (var t in _byLengthDesc) if (s[pos..].StartsWith(t.Content)) return t;
        return null;
    }
}
