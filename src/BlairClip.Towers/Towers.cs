using BlairClip.Images.Preprocessing;
using BlairClip.ML.Text.Tokenizers;

namespace BlairClip.Towers;

/// <summary>A text encoder that turns texts into L2-normalised embeddings.</summary>
public interface ITextTower : IDisposable
{
    /// <summary>Embedding size: the hidden size (RoBERTa/BLaIR) or the projection size (CLIP).</summary>
    int Dimension { get; }

    /// <summary>The checkpoint folder's tokenizer (<see cref="TokenizerLoader.FromFolder"/>).</summary>
    ITextTokenizer Tokenizer { get; }

    /// <summary>Tokens per text at most (512 RoBERTa, 77 CLIP); longer texts are truncated by the tokenizer.</summary>
    int MaxLength { get; }

    /// <summary>
    /// Encodes <paramref name="texts"/> into a row-major <c>[texts.Count, Dimension]</c> float32 array on the CPU,
    /// each row L2-normalised (<c>e / max(‖e‖₂, 1e-12)</c>). BLaIR/RoBERTa: the CLS state <c>last_hidden_state[:, 0]</c>;
    /// CLIP: the projected text embeds <c>text_projection(pooled)</c>.
    /// </summary>
    float[] EncodeTexts(IReadOnlyList<string> texts);
}

/// <summary>An image encoder that turns preprocessed pixel values into L2-normalised embeddings.</summary>
public interface IImageTower : IDisposable
{
    /// <summary>Embedding size: the projection size.</summary>
    int Dimension { get; }

    /// <summary>The checkpoint folder's preprocessor (from <c>preprocessor_config.json</c>).</summary>
    ClipImageProcessor Processor { get; }

    /// <summary>
    /// Encodes pixel values <c>[batch, 3, H, W]</c> (row-major, as <see cref="ClipImageProcessor.PreprocessBatch(IReadOnlyList{BlairClip.Images.Decoding.RgbImage})"/>
    /// writes them) into <c>[batch, Dimension]</c> float32, each row the L2-normalised projected image embeds.
    /// </summary>
    /// <exception cref="ArgumentException">The span's length is not <c>batch * 3 * H * W</c>.</exception>
    float[] EncodeImages(ReadOnlySpan<float> pixelValues, int batch);
}

/// <summary>Precision of a tower's weights and activations (its outputs are always float32).</summary>
public enum TowerPrecision
{
    /// <summary>float32 everywhere.</summary>
    Float32,
    /// <summary>bfloat16 weights and activations.</summary>
    Bf16,
}

/// <summary>Names of <see cref="TowerPrecision"/> as YAML, the CLI, cache keys and saved entries write them.</summary>
public static class TowerPrecisionNames
{
    /// <summary>"float32" or "bf16".</summary>
    public static string Name(this TowerPrecision precision) => precision switch
    {
        TowerPrecision.Float32 => "float32",
        TowerPrecision.Bf16 => "bf16",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "must be Float32 or Bf16"),
    };

    /// <summary>The precision named <paramref name="name"/> ("float32" or "bf16"), or null.</summary>
    public static TowerPrecision? Parse(string name) => name switch
    {
        "float32" => TowerPrecision.Float32,
        "bf16" => TowerPrecision.Bf16,
        _ => null,
    };
}

/// <summary>Where and in which precision a tower runs.</summary>
public sealed record TowerOptions
{
    /// <summary>Torch device: <c>cpu</c> or <c>cuda</c> / <c>cuda:N</c>.</summary>
    public string Device { get; init; } = DefaultDevice;

    /// <summary>Where towers run unless told otherwise.</summary>
    public const string DefaultDevice = "cpu";

    /// <summary>Weight and activation precision; outputs are always float32.</summary>
    public TowerPrecision DType { get; init; } = TowerPrecision.Float32;

    /// <summary>Rows per forward pass inside EncodeTexts/EncodeImages (bounds activation memory for long lists).</summary>
    public int BatchSize { get; init; } = 32;
}

/// <summary>Loads a tower from a Hugging Face checkpoint folder by its <c>config.json</c> <c>model_type</c>.</summary>
public static class PretrainedTowers
{
    /// <summary>A RoBERTa/BLaIR (<c>model_type</c> roberta) or CLIP (clip, clip_text_model) text tower with the folder's tokenizer.</summary>
    /// <exception cref="InvalidDataException">The model type has no text tower, or config.json / the tokenizer files are invalid
    /// (file and key named).</exception>
    /// <exception cref="FileNotFoundException">config.json, the weights or the tokenizer files are missing.</exception>
    /// <exception cref="BlairClip.Towers.Loading.StateDictException">The weights do not fit: missing / unexpected keys or a shape
    /// mismatch, each named.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> names an unknown device or dtype, or CUDA is unavailable.</exception>
    public static ITextTower LoadTextTower(string checkpointDir, TowerOptions? options = null) => ModelType(checkpointDir) switch
    {
        "roberta" => Roberta.RobertaTextTower.Load(checkpointDir, options),
        "clip" or "clip_text_model" => Clip.ClipTextTower.Load(checkpointDir, options),
        var other => throw new InvalidDataException(
            $"{Path.Combine(checkpointDir, "config.json")}: key 'model_type' must be roberta, clip or clip_text_model for a text tower, but was '{other}'."),
    };

    /// <summary>A CLIP (<c>model_type</c> clip or clip_vision_model) image tower with the folder's <c>preprocessor_config.json</c>.</summary>
    /// <exception cref="InvalidDataException">The model type has no image tower, or config.json / the preprocessor config is invalid.</exception>
    /// <exception cref="FileNotFoundException">config.json, the weights or preprocessor_config.json are missing.</exception>
    /// <exception cref="BlairClip.Towers.Loading.StateDictException">The weights do not fit (keys or shapes named).</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> names an unknown device or dtype, or CUDA is unavailable.</exception>
    public static IImageTower LoadImageTower(string checkpointDir, TowerOptions? options = null) => ModelType(checkpointDir) switch
    {
        "clip" or "clip_vision_model" => Clip.ClipImageTower.Load(checkpointDir, options),
        var other => throw new InvalidDataException(
            $"{Path.Combine(checkpointDir, "config.json")}: key 'model_type' must be clip or clip_vision_model for an image tower, but was '{other}'."),
    };

    /// <summary>The <c>model_type</c> string of <paramref name="checkpointDir"/>/config.json.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder is missing.</exception>
    /// <exception cref="FileNotFoundException">config.json is missing.</exception>
    /// <exception cref="InvalidDataException">config.json has no string <c>model_type</c>.</exception>
    public static string ModelType(string checkpointDir)
    {
        if (!Directory.Exists(checkpointDir)) throw new DirectoryNotFoundException($"Checkpoint folder '{checkpointDir}' does not exist.");
        return Loading.HfConfig.Read(Path.Combine(checkpointDir, "config.json")).String("model_type");
    }
}
