using BlairClip.ML.Text.Tokenizers;

namespace BlairClip.Towers.Roberta;

/// <summary>
/// BLaIR / RoBERTa text tower: tokenizes, runs <see cref="RobertaModel"/> under no_grad, TowerOptions.BatchSize texts at a time, and
/// returns the L2-normalised CLS state of last_hidden_state (BLaIR's embedding; the pooler is not used).
/// </summary>
public sealed class RobertaTextTower : ITextTower
{
    private readonly TowerRuntime _runtime;

    private RobertaTextTower(RobertaModel model, ITextTokenizer tokenizer, TowerRuntime runtime)
    {
        Model = model;
        Tokenizer = tokenizer;
        _runtime = runtime;
    }

    /// <summary>The underlying model (on the tower's device and dtype).</summary>
    public RobertaModel Model { get; }

    /// <inheritdoc/>
    public int Dimension => Model.Config.hidden_size;

    /// <inheritdoc/>
    public ITextTokenizer Tokenizer { get; }

    /// <inheritdoc/>
    public int MaxLength => Tokenizer.MaxLength;

    /// <summary>Loads model and tokenizer from <paramref name="folder"/>.</summary>
    /// <exception cref="InvalidDataException">The tokenizer allows more tokens than the position table holds.</exception>
    public static RobertaTextTower Load(string folder, TowerOptions? options = null)
    {
        var runtime = TowerRuntime.From(options);
        var tokenizer = TokenizerLoader.FromFolder(folder);
        var model = RobertaModel.FromPretrained(folder);
        var capacity = model.Config.max_position_embeddings - model.Config.pad_token_id - 1;
        if (tokenizer.MaxLength > capacity)
        {
            model.Dispose();
            throw new InvalidDataException(
                $"{folder}: the tokenizer allows {tokenizer.MaxLength} tokens but config.json 'max_position_embeddings' "
                + $"({model.Config.max_position_embeddings}) with 'pad_token_id' {model.Config.pad_token_id} holds {capacity}.");
        }
        return new RobertaTextTower(runtime.Place(model), tokenizer, runtime);
    }

    /// <inheritdoc/>
    public float[] EncodeTexts(IReadOnlyList<string> texts) =>
        _runtime.EncodeTexts(texts, Tokenizer, Dimension, (ids, mask) => Model.forward(ids, mask).last_hidden_state.select(1, 0));

    /// <inheritdoc/>
    public void Dispose() => Model.Dispose();
}
