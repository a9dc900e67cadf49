namespace BlairClip.ML.Text.Tokenizers;

/// <summary>
/// GPT-2's reversible byte → printable character table (<c>bytes_to_unicode</c>): printable Latin-1 bytes map to
/// themselves, the other 68 bytes to U+0100 upwards in byte order. Vocabulary entries of byte-level BPE models
/// (GPT-2, RoBERTa, CLIP) are strings over these 256 characters.
/// </summary>
internal static class ByteUnicode
{
    /// <summary>Character of each byte value: <c>[256]</c>.</summary>
    public static readonly char[] ByteToChar = Build();

    /// <summary>The 256 characters in the order <c>bytes_to_unicode().values()</c> lists them, which is the
    /// order of the first 256 entries of the CLIP vocabulary.</summary>
    public static readonly char[] TableOrder = BuildOrder();

    private static bool Printable(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;

    private static char[] Build()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++) map[b] = Printable(b) ? (char)b : (char)next++;
        return map;
    }

    private static char[] BuildOrder()
    {
        var order = new List<char>(256);
        for (var b = 0; b < 256; b++) if (Printable(b)) order.Add((char)b);
        for (var b = 0; b < 256; b++) if (!Printable(b)) order.Add(ByteToChar[b]);
        return [.. order];
    }
}
