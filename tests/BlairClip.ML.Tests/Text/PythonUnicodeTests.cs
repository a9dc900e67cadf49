using BlairClip.ML.Text;
using FluentAssertions;

namespace BlairClip.ML.Tests.Text;

public class PythonUnicodeTests
{
    [Theory]
    [InlineData('a', true)]
    [InlineData('_', true)]
    [InlineData('7', true)]
    [InlineData(0x00B2, true)]   // ² superscript two (No): numeric, so \w in Python, not in .NET
    [InlineData(0x2160, true)]   // Ⅰ Roman numeral one (Nl): \w in Python, not in .NET
    [InlineData(0x0301, false)]  // combining acute (Mn): \w in .NET, not in Python
    [InlineData(0x203F, false)]  // ‿ undertie (Pc): \w in .NET, not in Python (only '_' is)
    [InlineData(0x1F600, false)] // 😀 (So)
    [InlineData(0x1D431, true)]  // 𝐱 mathematical bold small x (Ll), astral
    [InlineData('-', false)]
    public void IsWordChar_Character_AsPythonRe(int codePoint, bool expected) =>
        PythonUnicode.IsWordChar(codePoint).Should().Be(expected);

    [Theory]
    [InlineData("İ", "i\u0307")]            // the one two-code-point lowercase mapping
    [InlineData("ΟΔΟΣ ΣΑ Σ", "οδος σα σ")] // final sigma only after a cased letter and before none
    [InlineData("ΑΣ'Α ΑΣ'", "ασ'α ας'")]   // the apostrophe is case-ignorable: skipped both ways
    [InlineData("𐐀𐐁", "𐐨𐐩")]              // Deseret capitals (astral) lowercase to astral letters
    [InlineData("ǅ Ⅻ ẞ", "ǆ ⅻ ß")]
    public void Lower_Text_AsPythonStrLower(string text, string expected)
    {
        var buffer = new char[2 * text.Length];
        new string(buffer, 0, PythonUnicode.Lower(text, buffer)).Should().Be(expected);
    }
}
