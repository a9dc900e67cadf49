using BlairClip.ML.Text;
using FluentAssertions;

namespace BlairClip.ML.Tests.Text;

public class WordTokenizerTests
{
    public static TheoryData<string, string[]> HandCases => new()
    {
        { "Red Lipstick, matte!", ["red", "lipstick", "matte"] },
        // Single-character runs are not tokens (\w\w+).
        { "a b cd", ["cd"] },
        // '_' is a word character.
        { "snake_case __init__ _x", ["snake_case", "__init__", "_x"] },
        // A combining acute (Mn) is not a Python word character, so it ends the token (.NET's \w would keep it).
        { "cafe\u0301 creme", ["cafe", "creme"] },
        // str.lower() turns İ into i + U+0307 (a combining dot): 'i' alone is too short.
        { "İstanbul", ["stanbul"] },
        { "STRASSE Straße", ["strasse", "straße"] },
        // Final sigma: Σ at the end of a word lowers to ς, elsewhere to σ.
        { "ΟΔΟΣ ΣΑ", ["οδος", "σα"] },
        // Superscript two is numeric (No) and so a word character; ½ alone is a run of one.
        { "x² ½", ["x²"] },
        // An astral letter counts as one code point (two UTF-16 units).
        { "ｗｚ ｗ𝐱 𝐱", ["ｗｚ", "ｗ𝐱"] },
        { "don't stop", ["don", "stop"] },
        { "emoji😀smile", ["emoji", "smile"] },
        { "the and of", [] },
        { "", [] },
    };

    [Theory]
    [MemberData(nameof(HandCases))]
    public void Tokenize_HandCase_MatchesScikitLearnAnalyzer(string text, string[] expected) =>
        new WordTokenizer().Tokenize(text).Should().Equal(expected);

    [Fact]
    public void Tokenize_NoStopWords_KeepsThem() =>
        new WordTokenizer(englishStopWords: false).Tokenize("The AND of").Should().Equal("the", "and", "of");

    [Fact]
    public void Tokenize_NoLowercase_KeepsCaseAndStopWordsCompareCaseSensitively() =>
        new WordTokenizer(lowercase: false).Tokenize("The the Lipstick").Should().Equal("The", "Lipstick");

    [Fact]
    public void Tokenize_FixtureProbes_SameTokensAsScikitLearn()
    {
        var tokenizer = new WordTokenizer();
        foreach (var row in TfIdfFixture.Load().Analyzer)
            tokenizer.Tokenize(row.Text).Should().Equal(row.Tokens, "text {0}", Escape(row.Text));
    }

    [Fact]
    public void Tokenize_FixtureProbesWithoutStopWords_SameTokensAsScikitLearn()
    {
        var tokenizer = new WordTokenizer(englishStopWords: false);
        foreach (var row in TfIdfFixture.Load().AnalyzerNoStopWords)
            tokenizer.Tokenize(row.Text).Should().Equal(row.Tokens, "text {0}", Escape(row.Text));
    }

    [Fact]
    public void EnglishStopWords_HasScikitLearnsCount() =>
        EnglishStopWords.Words.Should().HaveCount(318).And.Contain("the").And.OnlyHaveUniqueItems();

    [Fact]
    public void CodePointComparer_AstralAfterHighBmp_AsPythonSorts()
    {
        // Python: 'ｗｚ' (U+FF5A) < 'ｗ𝐱' (U+1D431); ordinal UTF-16 puts the surrogate pair (0xD835) first.
        string[] terms = ["ｗ𝐱", "ｗｚ", "abc"];
        Array.Sort(terms, CodePointComparer.Instance);
        terms.Should().Equal("abc", "ｗｚ", "ｗ𝐱");
        string.CompareOrdinal("ｗ𝐱", "ｗｚ").Should().BeNegative("ordinal order differs, which is why the comparer exists");
    }

    private static string Escape(string s) => string.Concat(s.Select(c => c < 0x80 ? c.ToString() : $"\\u{(int)c:X4}"));
}
