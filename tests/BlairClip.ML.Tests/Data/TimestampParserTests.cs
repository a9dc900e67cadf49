using BlairClip.ML.Data;
using FluentAssertions;

namespace BlairClip.ML.Tests.Data;

public class TimestampParserTests
{
    [Theory]
    [InlineData("1547589356557", 1547589356557L, TimestampKind.Integer)]
    [InlineData("-5", -5L, TimestampKind.Integer)]
    [InlineData("1970-01-02", 86_400_000L, TimestampKind.IsoDate)]
    [InlineData("2018-09-20", 1537401600000L, TimestampKind.IsoDate)]
    [InlineData("1970-01-01T00:00:01Z", 1000L, TimestampKind.IsoDate)]
    [InlineData("1970-01-01 00:01", 60_000L, TimestampKind.IsoDate)]
    [InlineData("1970-01-01T01:00:00+01:00", 0L, TimestampKind.IsoDate)]
    [InlineData("1970-01-01T00:00:00-0130", 5_400_000L, TimestampKind.IsoDate)]
    [InlineData("1970-01-01T00:00:00.25Z", 250L, TimestampKind.IsoDate)]
    [InlineData("2024-02-29T23:59:59", 1709251199000L, TimestampKind.IsoDate)]
    public void TryParse_Valid_UnixMilliseconds(string text, long expected, TimestampKind kind)
    {
        TimestampParser.TryParse(text, out long value, out var k).Should().BeTrue();
        value.Should().Be(expected);
        k.Should().Be(kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2023-02-29")]
    [InlineData("2018-13-01")]
    [InlineData("2018-09-20T25:00:00")]
    [InlineData("2018-09-20X10:00")]
    [InlineData("2018-09-20T10:00:00+1")]
    [InlineData("20/09/2018")]
    [InlineData("1.5")]
    public void TryParse_Invalid_False(string text) => TimestampParser.TryParse(text, out _, out _).Should().BeFalse();
}
