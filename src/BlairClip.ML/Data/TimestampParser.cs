using System.Globalization;

namespace BlairClip.ML.Data;

/// <summary>How a timestamp was written; one column must use one kind (mixing units would scramble the order).</summary>
public enum TimestampKind
{
    /// <summary>A plain integer in any unit (seconds, milliseconds, days…); only the order matters.</summary>
    Integer,
    /// <summary>An ISO-8601 date or date-time, converted to Unix milliseconds (UTC).</summary>
    IsoDate,
}

/// <summary>Parses interaction timestamps: integers as they are, or ISO dates and date-times
/// (<c>yyyy-MM-dd</c>, <c>yyyy-MM-ddTHH:mm[:ss[.fffffff]][Z|±hh:mm|±hhmm]</c>, a space allowed instead of 'T')
/// as Unix milliseconds. A date-time without an offset is taken as UTC.</summary>
public static class TimestampParser
{
    /// <summary>Parses <paramref name="text"/>; false when it is neither an integer nor an ISO date/date-time.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long value, out TimestampKind kind)
    {
        text = text.Trim();
        kind = TimestampKind.Integer;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)) return true;
        kind = TimestampKind.IsoDate;
        return TryParseIso(text, out value);
    }

    private static bool TryParseIso(ReadOnlySpan<char> s, out long unixMs)
    {
        unixMs = 0;
        if (s.Length < 10 || s[4] != '-' || s[7] != '-') return false;
        if (!Digits(s[..4], out int year) || !Digits(s.Slice(5, 2), out int month) || !Digits(s.Slice(8, 2), out int day)) return false;
        int hour = 0, minute = 0, second = 0;
        long ticks = 0;
        var offset = TimeSpan.Zero;
        var rest = s[10..];
        if (!rest.IsEmpty)
        {
            if (rest[0] != 'T' && rest[0] != ' ' || rest.Length < 6 || rest[3] != ':') return false;
            if (!Digits(rest.Slice(1, 2), out hour) || !Digits(rest.Slice(4, 2), out minute)) return false;
            rest = rest[6..];
            if (rest.Length >= 3 && rest[0] == ':')
            {
                if (!Digits(rest.Slice(1, 2), out second)) return false;
                rest = rest[3..];
                if (rest.Length >= 2 && rest[0] == '.')
                {
                    int n = 1;
                    while (n < rest.Length && char.IsAsciiDigit(rest[n])) n++;
                    if (n == 1 || n > 8) return false;
                    Digits(rest[1..n], out int fraction);
                    ticks = fraction * (long)Math.Pow(10, 8 - n);
                    rest = rest[n..];
                }
            }
            if (rest.Length == 1 && rest[0] == 'Z') rest = default;
            else if (rest.Length is 6 or 5 && (rest[0] == '+' || rest[0] == '-'))
            {
                bool colon = rest.Length == 6;
                if (colon && rest[3] != ':') return false;
                if (!Digits(rest.Slice(1, 2), out int oh) || !Digits(rest.Slice(colon ? 4 : 3, 2), out int om)) return false;
                if (oh > 14 || om > 59) return false;
                offset = new TimeSpan(oh, om, 0) * (rest[0] == '-' ? -1 : 1);
                rest = default;
            }
            if (!rest.IsEmpty) return false;
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59) return false;
        var dto = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(ticks);
        unixMs = dto.ToUnixTimeMilliseconds();
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        if (s.IsEmpty) return false;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
