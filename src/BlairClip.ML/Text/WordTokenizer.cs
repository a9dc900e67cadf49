using System.Buffers;

namespace BlairClip.ML.Text;

/// <summary>scikit-learn's default word analyzer (<c>CountVectorizer(analyzer='word')</c>) without n-grams:
/// Python's <c>str.lower()</c> (optional), then the tokens of <c>re.findall(r"(?u)\b\w\w+\b", text)</c> — every
/// maximal run of at least two Python word characters (counted in code points) — then stop words removed.
/// Written by hand rather than with a regex because .NET's <c>\w</c> and lowercasing differ from Python's
/// (see <see cref="PythonUnicode"/>), and so the hot path allocates nothing per token.</summary>
public sealed class WordTokenizer
{
    /// <param name="lowercase">Apply Python's <c>str.lower()</c> first (scikit-learn's default).</param>
    /// <param name="englishStopWords">Drop tokens in <see cref="EnglishStopWords"/> (<c>stop_words='english'</c>).</param>
    public WordTokenizer(bool lowercase = true, bool englishStopWords = true)
    {
        Lowercase = lowercase;
        EnglishStopWords = englishStopWords;
    }

    public bool Lowercase { get; }
    public bool EnglishStopWords { get; }

    /// <summary>The tokens of <paramref name="text"/> in order, duplicates kept.</summary>
    public string[] Tokenize(string text)
    {
        var tokens = new List<string>();
        char[]? buffer = null;
        try
        {
            foreach (var t in Enumerate(text, ref buffer)) tokens.Add(t.ToString());
        }
        finally
        {
            if (buffer is not null) ArrayPool<char>.Shared.Return(buffer);
        }
        return tokens.ToArray();
    }

    /// <summary>Enumerates tokens as spans. When lowercasing, the lowered text is written to
    /// <paramref name="buffer"/>, rented from <see cref="ArrayPool{T}.Shared"/> and grown as needed; the caller
    /// returns it to the pool when done with all texts. Spans are valid until the next call.</summary>
    public TokenEnumerator Enumerate(ReadOnlySpan<char> text, ref char[]? buffer)
    {
        if (!Lowercase) return new TokenEnumerator(text, EnglishStopWords);
        if (buffer is null || buffer.Length < 2 * text.Length)
        {
            if (buffer is not null) ArrayPool<char>.Shared.Return(buffer);
            buffer = ArrayPool<char>.Shared.Rent(Math.Max(64, 2 * text.Length));
        }
        int n = PythonUnicode.Lower(text, buffer);
        return new TokenEnumerator(buffer.AsSpan(0, n), EnglishStopWords);
    }

    /// <summary>Yields the maximal runs of ≥ 2 word code points of an already-lowered text, skipping stop words.</summary>
    public ref struct TokenEnumerator
    {
        private readonly ReadOnlySpan<char> _text;
        private readonly bool _stopWords;
        private int _next;

        internal TokenEnumerator(ReadOnlySpan<char> text, bool stopWords)
        {
            _text = text; _stopWords = stopWords; _next = 0; Current = default;
        }

        public ReadOnlySpan<char> Current { get; private set; }

        public readonly TokenEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            var s = _text;
            int i = _next;
            while (i < s.Length)
            {
                // Skip non-word code points.
                int start = i;
                int cp = PythonUnicode.NextCodePoint(s, ref i);
                if (!PythonUnicode.IsWordChar(cp)) continue;
                int count = 1;
                int end = i;
                while (i < s.Length)
                {
                    int j = i;
                    cp = PythonUnicode.NextCodePoint(s, ref j);
                    if (!PythonUnicode.IsWordChar(cp)) break;
                    i = j; end = j; count++;
                }
                if (count < 2) continue;
                var token = s[start..end];
                if (_stopWords && Text.EnglishStopWords.Contains(token)) continue;
                _next = i;
                Current = token;
                return true;
            }
            _next = s.Length;
            return false;
        }
    }
}
