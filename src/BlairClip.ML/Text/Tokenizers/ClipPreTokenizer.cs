using System.Net;
using System.Text;

namespace BlairClip.ML.Text.Tokenizers;

/// <summary>
/// OpenAI CLIP's text clean-up and pre-tokenisation (<c>clip/simple_tokenizer.py</c>):
/// <c>html.unescape</c> twice, strip, collapse white space runs to one space, lower-case, then the pattern
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>
/// (digits are single pieces; white space separates pieces and is dropped).
/// </summary>
/// <remarks><c>ftfy.fix_text</c> is not applied: ftfy is a Python library with no .NET port here. It is a no-op on
/// clean ASCII (all goldens); on other text it would also repair mojibake, uncurl quotes (’ → '), fold fullwidth
/// characters and Latin ligatures and NFC-normalise, so ids can differ from openai's for such text. HTML entities are
/// decoded with <see cref="WebUtility.HtmlDecode(string)"/>, which agrees with Python's <c>html.unescape</c> on named
/// and numeric entities that end in ';'. Lower-casing is .NET's invariant simple case mapping; Python's <c>str.lower</c> differs
/// only where Unicode's SpecialCasing maps one character to two (U+0130 'İ' → "i̇").</remarks>
internal static class ClipPreTokenizer
{
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";

    /// <summary><c>whitespace_clean(basic_clean(text)).lower()</c> without ftfy.</summary>
    public static string Clean(string text)
    {
        var unescaped = WebUtility.HtmlDecode(WebUtility.HtmlDecode(text));
        var sb = new StringBuilder(unescaped.Length);
        var pendingSpace = false;
        Span<char> units = stackalloc char[2];
        foreach (var r in unescaped.EnumerateRunes())
        {
            // Python's re '\s' on str also matches the separators U+001C..U+001F.
            if (Rune.IsWhiteSpace(r) || r.Value is >= 0x1C and <= 0x1F) { pendingSpace = sb.Length > 0; continue; }
            if (pendingSpace) sb.Append(' ');
            pendingSpace = false;
            sb.Append(units[..r.EncodeToUtf16(units)]);
        }
        // Python's str.lower() (e.g. 'İ' → 'i̇', final sigma), not .NET's invariant lower-casing.
        var cleaned = sb.ToString();
        var lower = new char[2 * cleaned.Length];
        return new string(lower, 0, PythonUnicode.Lower(cleaned, lower));
    }

    /// <summary>Finds the next piece at or after <paramref name="pos"/>; false when only white space is left.</summary>
    public static bool Next(ReadOnlySpan<char> s, ref int pos, out int start, out int end)
    {
        while (pos < s.Length)
        {
            var r = UnicodeClasses.At(s, pos, out var n);
            if (!UnicodeClasses.IsSpace(r)) break;
            pos += n;
        }
        start = end = pos;
        if (pos >= s.Length) return false;

        var rest = s[pos..];
        if (rest.StartsWith(StartOfText)) end = pos + StartOfText.Length;
        else if (rest.StartsWith(EndOfText)) end = pos + EndOfText.Length;
        else if (UnicodeClasses.Contraction(s, pos) is var c and > 0) end = pos + c;
        else
        {
            var first = UnicodeClasses.At(s, pos, out var units);
            if (UnicodeClasses.IsLetter(first)) end = UnicodeClasses.RunEnd(s, pos, UnicodeClasses.IsLetter);
            else if (UnicodeClasses.IsNumber(first)) end = pos + units;
            else end = UnicodeClasses.RunEnd(s, pos, UnicodeClasses.IsOther);
        }
        pos = end;
        return true;
    }
}
