using System.Globalization;
using System.Text;

namespace BlairClip.ML.Text.Tokenizers;

/// <summary>
/// The regex classes the BPE pre-tokenisers use, decided per code point (a surrogate pair is one letter or symbol,
/// as in Python's <c>regex</c> module, not two unknown UTF-16 units).
/// </summary>
internal static class UnicodeClasses
{
    /// <summary>The code point at <paramref name="pos"/> and its UTF-16 length; a lone surrogate is one unit of
    /// class "other".</summary>
    public static Rune At(ReadOnlySpan<char> s, int pos, out int units)
    {
        if (Rune.DecodeFromUtf16(s[pos..], out var rune, out units) != System.Buffers.OperationStatus.Done)
        {
            units = 1;
            return Rune.ReplacementChar;
        }
        return rune;
    }

    /// <summary><c>\p{L}</c>: Lu, Ll, Lt, Lm, Lo.</summary>
    public static bool IsLetter(Rune r) => Rune.GetUnicodeCategory(r) <= UnicodeCategory.OtherLetter;

    /// <summary><c>\p{N}</c>: Nd, Nl, No.</summary>
    public static bool IsNumber(Rune r) => Rune.GetUnicodeCategory(r) is UnicodeCategory.DecimalDigitNumber
        or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;

    /// <summary><c>\s</c> as Unicode White_Space (tab, LF, VT, FF, CR, U+0085, Zs, U+2028, U+2029).</summary>
    public static bool IsSpace(Rune r) => Rune.IsWhiteSpace(r);

    /// <summary>Ends of the run of code points from <paramref name="pos"/> that satisfy <paramref name="pred"/>.</summary>
    public static int RunEnd(ReadOnlySpan<char> s, int pos, Func<Rune, bool> pred)
    {
        while (pos < s.Length)
        {
            var r = At(s, pos, out var n);
            if (!pred(r)) break;
            pos += n;
        }
        return pos;
    }

    /// <summary>Neither letter, number nor space: <c>[^\s\p{L}\p{N}]</c>.</summary>
    public static bool IsOther(Rune r) => !IsLetter(r) && !IsNumber(r) && !IsSpace(r);

    /// <summary>Length of the contraction (<c>'s 't 're 've 'm 'll 'd</c>) at <paramref name="pos"/>, or 0.</summary>
    public static int Contraction(ReadOnlySpan<char> s, int pos)
    {
        if (s[pos] != '\'' || pos + 1 >= s.Length) return 0;
        var c = s[pos + 1];
        if (c is 's' or 't' or 'm' or 'd') return 2;
        if (pos + 2 >= s.Length) return 0;
        var two = s.Slice(pos + 1, 2);
        return two is "re" or "ve" or "ll" ? 3 : 0;
    }
}
