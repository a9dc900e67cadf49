namespace BlairClip.ML.Text.Tokenizers;

/// <summary>
/// A tokenizer loaded from a checkpoint folder's files that turns text into the ids its model was trained on.
/// Implementations are immutable and thread-safe (their word caches are concurrent).
/// </summary>
public interface ITextTokenizer
{
    /// <summary>The id written into padded positions of <see cref="EncodeBatch"/>.</summary>
    int PadTokenId { get; }

    /// <summary>The longest sequence <see cref="Encode"/> returns when it adds special tokens.</summary>
    int MaxLength { get; }

    /// <summary>Token ids of <paramref name="text"/>; with <paramref name="addSpecialTokens"/> wrapped in the
    /// model's start/end tokens and truncated to <see cref="MaxLength"/> keeping the end token.</summary>
    int[] Encode(string text, bool addSpecialTokens = true);

    /// <summary>Encodes every text with special tokens and right-pads them into one batch.</summary>
    /// <returns><see cref="TokenBatch"/> of shape [texts.Count, len].</returns>
    TokenBatch EncodeBatch(IReadOnlyList<string> texts);
}
