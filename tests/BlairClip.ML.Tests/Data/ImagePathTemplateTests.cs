using BlairClip.ML.Core;
using BlairClip.ML.Data;
using FluentAssertions;

namespace BlairClip.ML.Tests.Data;

public class ImagePathTemplateTests
{
    [Theory]
    [InlineData("images/{item:0:3}/{item}.jpg", "0108775015", "images/010/0108775015.jpg")]
    [InlineData("{item:2}", "abcdef", "cdef")]
    [InlineData("x/{item:4:10}.png", "abcdef", "x/ef.png")] // clamped like Python slicing
    [InlineData("{item:9:2}-{item}", "ab", "-ab")]
    public void Expand_Placeholders_Substitutes(string template, string id, string expected) =>
        ImagePathTemplate.Parse(template).Expand(id).Should().Be(expected);

    [Theory]
    [InlineData("images/{id}.jpg")]
    [InlineData("images/{item:a}.jpg")]
    [InlineData("images/{item:0:-1}.jpg")]
    [InlineData("images/{item.jpg")]
    [InlineData("images/item}.jpg")]
    public void Parse_BadTemplate_ErrorNamesImagesKey(string template)
    {
        var act = () => ImagePathTemplate.Parse(template);
        act.Should().Throw<InvalidOptionException>().Which.Option.Should().Be("images");
    }
}
