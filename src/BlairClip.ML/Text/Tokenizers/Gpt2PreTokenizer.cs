namespace BlairClip.ML.Text.Tokenizers;

/// <summary>
/// GPT-2's pre-tokenisation pattern
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>, written out by hand so that it
/// walks code points (emoji and astral CJK are single symbols) and allocates nothing. The alternatives are tried in
/// order at each position exactly as the regex engine does, including the backtracking of <c>\s+(?!\S)</c>, which
/// leaves the last space of a run to prefix the following word.
/// </summary>
internal static class Gpt2PreTokenizer
{
    /// <summary>End (exclusive) of the piece that starts at <paramref name="pos"/> (&lt; s.Length).</summary>
    public static int NextEnd(ReadOnlySpan<char> s, int pos)
    {
        var contraction = UnicodeClasses.Contraction(s, pos);
        if (contraction > 0) return pos + contraction;

        // ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+': an optional ASCII space, then a run of one class.
        var p = s[pos] == ' ' ? pos + 1 : pos;
        if (p < s.Length)
        {
            var r = UnicodeClasses.At(s, p, out _);
            if (UnicodeClasses.IsLetter(r)) return UnicodeClasses.RunEnd(s, p, UnicodeClasses.IsLetter);
            if (UnicodeClasses.IsNumber(r)) return UnicodeClasses.RunEnd(s, p, UnicodeClasses.IsNumber);
            if (!UnicodeClasses.IsSpace(r)) return UnicodeClasses.RunEnd(s, p, UnicodeClasses.IsOther);
        }

        // Here s[pos] is white space. '\s+(?!\S)': the whole run if it ends the text, else the run minus its last
        // code point (which then prefixes the next piece); if that leaves nothing, '\s+' takes the single space.
        var end = UnicodeClasses.RunEnd(s, pos, UnicodeClasses.IsSpace);
        if (end == s.Length) return end;
        var lastStart = end - 1;
        if (char.IsLowSurrogate(s[lastStart]) && lastStart > pos) lastStart--;
        return lastStart > pos ? lastStart : end;
    }
}
