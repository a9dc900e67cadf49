using BlairClip.ML.Recommenders;
using BlairClip.ML.Text.Tokenizers;

namespace BlairClip.Towers.DualEncoder;

/// <summary>Where the dual encoder's text features come from: a frozen vector column (rows L2-normalised), or the CLS
/// state of a trainable RoBERTa/BLaIR tower (<see cref="DualEncoderHeads.text_tower"/>) over the item texts, tokenized
/// per batch.</summary>
internal sealed class TextSource
{
    private readonly ItemMatrix? _matrix;
    private readonly ITextTokenizer? _tokenizer;
    private readonly string[]? _texts;
    private readonly int _maxLength;

    public TextSource(ItemMatrix matrix) { _matrix = matrix; Dimension = matrix.Dimension; Rows = matrix.Rows; }

    /// <param name="maxLength">Tokens kept per text (0 = all the tokenizer gives).</param>
    public TextSource(ITextTokenizer tokenizer, string[] texts, int hiddenSize, int maxLength = 0)
    {
        _tokenizer = tokenizer; _texts = texts; Dimension = hiddenSize; Rows = texts.Length; _maxLength = maxLength;
    }

    public int Dimension { get; }
    public int Rows { get; }
    public bool IsTower => _tokenizer is not null;

    /// <summary>Items per batch when encoding every item after training.</summary>
    public int EncodeChunk => IsTower ? 64 : 1024;

    /// <summary>[items.Length, Dimension]: the column's rows, or the tower's CLS states (differentiable).</summary>
    public Tensor Features(DualEncoderHeads heads, int[] items, Device device)
    {
        if (_matrix is not null) return DualEncoderFeatures.Rows(_matrix, items, device);
        var batch = _tokenizer!.EncodeBatch(items.Select(i => _texts![i]).ToArray());
        long[] shape = [batch.BatchSize, batch.Length];
        var ids = torch.tensor(batch.InputIds, shape);
        var mask = torch.tensor(batch.AttentionMask, shape);
        if (_maxLength > 0 && batch.Length > _maxLength)
        {
            ids = ids.narrow(1, 0, _maxLength);
            mask = mask.narrow(1, 0, _maxLength);
        }
        if (device.type != DeviceType.CPU) { ids = ids.to(device); mask = mask.to(device); }
        var output = heads.text_tower!.forward(ids, mask);
        return output.last_hidden_state.select(1, 0);
    }
}
