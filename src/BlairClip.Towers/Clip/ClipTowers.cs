using BlairClip.Images.Preprocessing;
using BlairClip.ML.Text.Tokenizers;
using BlairClip.Towers.Roberta;

namespace BlairClip.Towers.Clip;

/// <summary>CLIP text tower: tokenizes (77 tokens), runs the text transformer and text_projection under no_grad,
/// returns L2-normalised projected text embeds.</summary>
public sealed class ClipTextTower : ITextTower
{
    private readonly TowerRuntime _runtime;

    private ClipTextTower(ClipTextModelWithProjection model, ITextTokenizer tokenizer, TowerRuntime runtime) =>
        (Model, Tokenizer, _runtime) = (model, tokenizer, runtime);

    /// <summary>The underlying model.</summary>
    public ClipTextModelWithProjection Model { get; }

    /// <inheritdoc/>
    public int Dimension => Model.Dimension;

    /// <inheritdoc/>
    public ITextTokenizer Tokenizer { get; }

    /// <inheritdoc/>
    public int MaxLength => Tokenizer.MaxLength;

    /// <summary>Loads a clip or clip_text_model folder with its tokenizer.</summary>
    /// <exception cref="InvalidDataException">The tokenizer allows more tokens than the position table holds.</exception>
    public static ClipTextTower Load(string folder, TowerOptions? options = null)
    {
        var runtime = TowerRuntime.From(options);
        var tokenizer = TokenizerLoader.FromFolder(folder);
        var model = ClipTextModelWithProjection.FromPretrained(folder);
        var capacity = model.text_model.Config.max_position_embeddings;
        if (tokenizer.MaxLength > capacity)
        {
            model.Dispose();
            throw new InvalidDataException(
                $"{folder}: the tokenizer allows {tokenizer.MaxLength} tokens but config.json 'max_position_embeddings' is {capacity}.");
        }
        return new ClipTextTower(runtime.Place(model), tokenizer, runtime);
    }

    /// <inheritdoc/>
    public float[] EncodeTexts(IReadOnlyList<string> texts) => _runtime.EncodeTexts(texts, Tokenizer, Dimension, Model.forward);

    /// <inheritdoc/>
    public void Dispose() => Model.Dispose();
}

/// <summary>CLIP image tower: runs the vision transformer and visual_projection under no_grad on preprocessed pixel
/// values, returns L2-normalised projected image embeds.</summary>
public sealed class ClipImageTower : IImageTower
{
    private readonly TowerRuntime _runtime;

    private ClipImageTower(ClipVisionModelWithProjection model, ClipImageProcessor processor, TowerRuntime runtime) =>
        (Model, Processor, _runtime) = (model, processor, runtime);

    /// <summary>The underlying model.</summary>
    public ClipVisionModelWithProjection Model { get; }

    /// <inheritdoc/>
    public int Dimension => Model.Dimension;

    /// <inheritdoc/>
    public ClipImageProcessor Processor { get; }

    /// <summary>Loads a clip or clip_vision_model folder with its <c>preprocessor_config.json</c>.</summary>
    /// <exception cref="InvalidDataException">The preprocessor's crop differs from the model's image_size.</exception>
    public static ClipImageTower Load(string folder, TowerOptions? options = null)
    {
        var runtime = TowerRuntime.From(options);
        var processor = ClipImageProcessor.FromFile(Path.Combine(folder, "preprocessor_config.json"));
        var model = ClipVisionModelWithProjection.FromPretrained(folder);
        var size = model.vision_model.Config.image_size;
        if (processor.Options.CropHeight != size || processor.Options.CropWidth != size)
        {
            model.Dispose();
            throw new InvalidDataException(
                $"{folder}: preprocessor_config.json crops {processor.Options.CropHeight}x{processor.Options.CropWidth} but config.json 'image_size' is {size}.");
        }
        return new ClipImageTower(runtime.Place(model), processor, runtime);
    }

    /// <inheritdoc/>
    public float[] EncodeImages(ReadOnlySpan<float> pixelValues, int batch)
    {
        var c = Model.vision_model.Config;
        var perImage = c.num_channels * c.image_size * c.image_size;
        if (batch < 0 || pixelValues.Length != (long)batch * perImage)
            throw new ArgumentException(
                $"pixelValues must hold batch ({batch}) × {c.num_channels}×{c.image_size}×{c.image_size} = {(long)batch * perImage} floats, but holds {pixelValues.Length}.",
                nameof(pixelValues));
        var result = new float[batch * Dimension];
        using var noGrad = torch.no_grad();
        for (var start = 0; start < batch; start += _runtime.BatchSize)
        {
            var count = Math.Min(_runtime.BatchSize, batch - start);
            using var scope = torch.NewDisposeScope();
            var pixels = _runtime.Tensor(pixelValues.Slice(start * perImage, count * perImage),
                [count, c.num_channels, c.image_size, c.image_size]);
            TowerRuntime.CopyNormalized(Model.forward(pixels), result.AsSpan(start * Dimension, count * Dimension));
        }
        return result;
    }

    /// <inheritdoc/>
    public void Dispose() => Model.Dispose();
}
