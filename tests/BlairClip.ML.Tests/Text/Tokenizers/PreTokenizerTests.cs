using BlairClip.ML.Text.Tokenizers;
using FluentAssertions;

namespace BlairClip.ML.Tests.Text.Tokenizers;

public class PreTokenizerTests
{
    private static string[] Gpt2Pieces(string text)
    {
        var pieces = new List<string>();
        for (var pos = 0; pos < text.Length;)
        {
            var end = Gpt2PreTokenizer.NextEnd(text, pos);
            pieces.Add(text[pos..end]);
            pos = end;
        }
        return [.. pieces];
    }

    private static string[] ClipPieces(string text)
    {
        var pieces = new List<string>();
        for (var pos = 0; ClipPreTokenizer.Next(text, ref pos, out var start, out var end);) pieces.Add(text[start..end]);
        return [.. pieces];
    }

    [Theory]
    // '\s+(?!\S)' leaves the last space of a run for the next word: "a", " ", " b".
    [InlineData("a  b", new[] { "a", " ", " b" })]
    // a tab cannot prefix a word (' ?' is a literal space): each tab is its own piece.
    [InlineData("\t\ta", new[] { "\t", "\t", "a" })]
    [InlineData("x\t\ty", new[] { "x", "\t", "\t", "y" })]
    // a white space run at the end stays whole.
    [InlineData("x \n ", new[] { "x", " \n " })]
    // contractions only at a piece start; "'all" is punctuation + letters.
    [InlineData("y'all it's", new[] { "y", "'", "all", " it", "'s" })]
    // an astral emoji is one code point of class "other", grouped with the following '.'.
    [InlineData(" this 🦙.cpp", new[] { " this", " 🦙.", "cpp" })]
    // letters, digits and symbols split by class; CJK ideographs are letters.
    [InlineData("apple工作1314天～", new[] { "apple工作", "1314", "天", "～" })]
    public void Gpt2NextEnd_Text_SplitsLikeTheRegex(string text, string[] expected) =>
        Gpt2Pieces(text).Should().Equal(expected);

    [Theory]
    // digits are single pieces; white space is dropped; special markers are whole.
    [InlineData("<|startoftext|>a 12 b!!", new[] { "<|startoftext|>", "a", "1", "2", "b", "!!" })]
    [InlineData("don't", new[] { "don", "'t" })]
    [InlineData("   ", new string[0])]
    public void ClipNext_CleanText_SplitsLikeTheRegex(string text, string[] expected) =>
        ClipPieces(text).Should().Equal(expected);

    [Theory]
    [InlineData("  Hello\t\n  World  ", "hello world")]
    [InlineData("Tom &amp;amp; Jerry", "tom & jerry")]
    [InlineData("a\u001cb", "a b")]
    public void ClipClean_Text_UnescapesCollapsesAndLowers(string text, string expected) =>
        ClipPreTokenizer.Clean(text).Should().Be(expected);
}
