namespace BlairClip.ML.Text;

/// <summary>Orders strings by Unicode code point, as Python compares <c>str</c>. Ordinal UTF-16 comparison differs
/// when a supplementary character (stored as surrogates, 0xD800–0xDFFF) meets a BMP character above 0xE000:
/// remapping the code units before comparing fixes that.</summary>
public sealed class CodePointComparer : IComparer<string>
{
    public static readonly CodePointComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        int n = Math.Min(x.Length, y.Length);
        for (int i = 0; i < n; i++)
        {
            char a = x[i], b = y[i];
            if (a != b) return Fix(a) - Fix(b);
        }
        return x.Length - y.Length;
    }

    // Surrogates move above every BMP unit, 0xE000–0xFFFF moves down into the gap they leave.
    private static int Fix(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
}
