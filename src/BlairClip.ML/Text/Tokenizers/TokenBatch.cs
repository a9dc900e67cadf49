namespace BlairClip.ML.Text.Tokenizers;

/// <summary>
/// A right-padded batch of token ids, laid out as the model inputs of a Hugging Face tokenizer with
/// <c>padding=True, return_tensors="pt"</c>: <see cref="InputIds"/> and <see cref="AttentionMask"/> are
/// row-major <c>[BatchSize, Length]</c>; row <c>b</c>, position <c>t</c> is at <c>b * Length + t</c>.
/// </summary>
/// <param name="InputIds">[batch, len] token ids; positions past a row's end hold the pad id.</param>
/// <param name="AttentionMask">[batch, len]: 1 for a real token (special tokens included), 0 for padding.</param>
/// <param name="BatchSize">Number of rows.</param>
/// <param name="Length">Columns per row: the longest row, or the fixed length the tokenizer pads to.</param>
public sealed record TokenBatch(long[] InputIds, long[] AttentionMask, int BatchSize, int Length)
{
    /// <summary>The ids of row <paramref name="row"/>, padding included: <c>[Length]</c>.</summary>
    public ReadOnlySpan<long> Row(int row) => InputIds.AsSpan(row * Length, Length);

    /// <summary>The mask of row <paramref name="row"/>: <c>[Length]</c>.</summary>
    public ReadOnlySpan<long> MaskRow(int row) => AttentionMask.AsSpan(row * Length, Length);

    /// <summary>Pads <paramref name="rows"/> on the right to <c>max(minLength, longest row)</c>.</summary>
    internal static TokenBatch Pad(IReadOnlyList<int[]> rows, int padId, int minLength = 0)
    {
        var length = minLength;
        foreach (var r in rows) length = Math.Max(length, r.Length);
        var ids = new long[rows.Count * length];
        var mask = new long[rows.Count * length];
        ids.AsSpan().Fill(padId);
        for (var b = 0; b < rows.Count; b++)
        {
            var row = rows[b];
            var dst = ids.AsSpan(b * length, row.Length);
            for (var t = 0; t < row.Length; t++) dst[t] = row[t];
            mask.AsSpan(b * length, row.Length).Fill(1);
        }
        return new TokenBatch(ids, mask, rows.Count, length);
    }
}
