using System.Text;
using BlairClip.ML.Core;

namespace BlairClip.ML.Data;

/// <summary>A path template for local item images (YAML <c>images</c>), e.g.
/// <c>../shared/data/hm-fashion-sample/images/{item:0:3}/{item}.jpg</c>. <c>{item}</c> is the item id and
/// <c>{item:start:length}</c> (or <c>{item:start}</c>) a substring of it, clamped to the id like Python's
/// <c>id[start:start+length]</c>, so a short id never fails. Anything else in braces is an error.</summary>
public sealed class ImagePathTemplate
{
    private readonly (string Literal, int Start, int Length)[] _parts; // Start < 0: literal only

    private ImagePathTemplate(string template, (string, int, int)[] parts) { Template = template; _parts = parts; }

    /// <summary>The template as written in the spec.</summary>
    public string Template { get; }

    /// <summary>Parses <paramref name="template"/>.</summary>
    /// <exception cref="InvalidOptionException">An unknown placeholder or unbalanced brace; names
    /// <paramref name="key"/>.</exception>
    public static ImagePathTemplate Parse(string template, string key = "images")
    {
        var parts = new List<(string, int, int)>();
        var literal = new StringBuilder();
        int i = 0;
        while (i < template.Length)
        {
            char c = template[i];
            if (c == '}') throw new InvalidOptionException(key, template, $"has an unmatched '}}' at character {i + 1}");
            if (c != '{') { literal.Append(c); i++; continue; }
            int close = template.IndexOf('}', i);
            if (close < 0) throw new InvalidOptionException(key, template, $"has an unclosed '{{' at character {i + 1}");
            var body = template.AsSpan(i + 1, close - i - 1);
            if (literal.Length > 0) { parts.Add((literal.ToString(), -1, 0)); literal.Clear(); }
            parts.Add(ParsePlaceholder(body, template, key));
            i = close + 1;
        }
        if (literal.Length > 0) parts.Add((literal.ToString(), -1, 0));
        return new ImagePathTemplate(template, parts.ToArray());
    }

    private static (string, int, int) ParsePlaceholder(ReadOnlySpan<char> body, string template, string key)
    {
        const string expectation = "may only use the placeholders {item}, {item:start} and {item:start:length}";
        Span<Range> r = stackalloc Range[4];
        int n = body.Split(r, ':');
        if (n is < 1 or > 3 || !body[r[0]].SequenceEqual("item")) throw new InvalidOptionException(key, template, expectation);
        int start = 0, length = int.MaxValue;
        if (n >= 2 && !(int.TryParse(body[r[1]], out start) && start >= 0)) throw new InvalidOptionException(key, template, expectation + " (start ≥ 0)");
        if (n == 3 && !(int.TryParse(body[r[2]], out length) && length >= 0)) throw new InvalidOptionException(key, template, expectation + " (length ≥ 0)");
        return ("", start, length);
    }

    /// <summary>The path for <paramref name="itemId"/> (not yet resolved against a folder).</summary>
    public string Expand(string itemId)
    {
        var sb = new StringBuilder();
        foreach (var (lit, start, length) in _parts)
        {
            if (start < 0) { sb.Append(lit); continue; }
            int s = Math.Min(start, itemId.Length);
            int l = (int)Math.Min((long)length, itemId.Length - s);
            sb.Append(itemId, s, l);
        }
        return sb.ToString();
    }
}
