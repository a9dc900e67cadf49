using BlairClip.Images.Decoding;
using BlairClip.ML.Core;
using BlairClip.ML.IO;

namespace BlairClip.Towers.Encoding;

/// <summary>What <see cref="EmbeddingExport"/> wrote.</summary>
/// <param name="Rows">Input lines encoded (the first dimension of <c>embeddings</c>).</param>
/// <param name="Dimension">Embedding size.</param>
/// <param name="Checkpoint">The checkpoint folder and its weights' SHA-256.</param>
public sealed record EmbeddingExportResult(int Rows, int Dimension, CheckpointReference Checkpoint);

/// <summary>The <c>encode</c> verb: one text (or image path) per line of an input file → a safetensors file with the
/// float32 tensor <c>embeddings</c> <c>[lines, dim]</c>, each row L2-normalised (the projected embeds of a CLIP folder,
/// the CLS state of RoBERTa/BLaIR), and metadata <c>tower</c> (text | image), <c>checkpoint</c>,
/// <c>checkpoint_sha256</c>, <c>dtype</c>, <c>input</c>. Written atomically: a failed run leaves no output.</summary>
public static class EmbeddingExport
{
    /// <summary>Encodes every line of <paramref name="textsFile"/> as one text (an empty line is an empty text).</summary>
    /// <exception cref="FileNotFoundException">The input file or the checkpoint's weights are missing.</exception>
    /// <exception cref="DirectoryNotFoundException">The checkpoint folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The input file has no lines.</exception>
    public static EmbeddingExportResult EncodeTexts(string checkpointDir, string textsFile, string output, TowerOptions options,
        IProgressReporter? progress = null) =>
        EncodeTexts(checkpointDir, textsFile, output, options, progress, PretrainedTowers.LoadTextTower);

    internal static EmbeddingExportResult EncodeTexts(string checkpointDir, string textsFile, string output, TowerOptions options,
        IProgressReporter? progress, Func<string, TowerOptions, ITextTower> loadTower)
    {
        var lines = ReadLines(textsFile);
        var checkpoint = CheckpointReference.Of(checkpointDir);
        using var tower = loadTower(checkpoint.Path, options);
        var values = new float[lines.Length * tower.Dimension];
        using (var task = (progress ?? NullProgress.Instance).Start("encode texts", lines.Length))
            for (int start = 0; start < lines.Length; start += options.BatchSize)
            {
                int count = Math.Min(options.BatchSize, lines.Length - start);
                tower.EncodeTexts(lines[start..(start + count)]).CopyTo(values.AsSpan(start * tower.Dimension));
                task.Advance(count);
            }
        return Write(output, "text", textsFile, checkpoint, options, values, lines.Length, tower.Dimension);
    }

    /// <summary>Encodes the image file named on every line of <paramref name="imagesFile"/> (relative paths are
    /// relative to that file's folder).</summary>
    /// <exception cref="FileNotFoundException">The input file or the checkpoint's weights are missing.</exception>
    /// <exception cref="DirectoryNotFoundException">The checkpoint folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No lines, an empty line, or an image that cannot be read or decoded; the
    /// message names the input file, the line number and the image.</exception>
    public static EmbeddingExportResult EncodeImages(string checkpointDir, string imagesFile, string output, TowerOptions options,
        IProgressReporter? progress = null) =>
        EncodeImages(checkpointDir, imagesFile, output, options, progress, PretrainedTowers.LoadImageTower);

    internal static EmbeddingExportResult EncodeImages(string checkpointDir, string imagesFile, string output, TowerOptions options,
        IProgressReporter? progress, Func<string, TowerOptions, IImageTower> loadTower)
    {
        var lines = ReadLines(imagesFile);
        var folder = Path.GetDirectoryName(Path.GetFullPath(imagesFile))!;
        var paths = new string[lines.Length];
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) throw new InvalidDataException($"{imagesFile} line {i + 1}: empty line; expected an image path.");
            paths[i] = Path.GetFullPath(Path.Combine(folder, line));
        }
        var checkpoint = CheckpointReference.Of(checkpointDir);
        using var tower = loadTower(checkpoint.Path, options);
        int perImage = tower.Processor.ValuesPerImage;
        var values = new float[lines.Length * tower.Dimension];
        using (var task = (progress ?? NullProgress.Instance).Start("encode images", lines.Length))
            for (int start = 0; start < lines.Length; start += options.BatchSize)
            {
                int count = Math.Min(options.BatchSize, lines.Length - start);
                var pixels = new float[count * perImage];
                var errors = tower.Processor.PreprocessFiles(paths[start..(start + count)], pixels);
                for (int k = 0; k < count; k++)
                    if (errors[k] is ImageDecodeException e)
                        throw new InvalidDataException($"{imagesFile} line {start + k + 1}: cannot use image '{lines[start + k].Trim()}': {e.Message}", e);
                tower.EncodeImages(pixels, count).CopyTo(values.AsSpan(start * tower.Dimension));
                task.Advance(count);
            }
        return Write(output, "image", imagesFile, checkpoint, options, values, lines.Length, tower.Dimension);
    }

    private static string[] ReadLines(string file)
    {
        if (!File.Exists(file)) throw new FileNotFoundException($"{file}: no such input file.", file);
        var lines = File.ReadAllLines(file);
        return lines.Length > 0 ? lines : throw new InvalidDataException($"{file}: no lines to encode (expected one item per line).");
    }


    private static EmbeddingExportResult Write(string output, string tower, string input, CheckpointReference checkpoint,
        TowerOptions options, float[] values, int rows, int dimension)
    {
        var writer = new SafeTensorsWriter();
        writer.Metadata["tower"] = tower;
        writer.Metadata["checkpoint"] = checkpoint.Path;
        writer.Metadata["checkpoint_sha256"] = checkpoint.Sha256;
        writer.Metadata["dtype"] = options.DType.Name();
        writer.Metadata["input"] = Path.GetFullPath(input);
        writer.Add<float>("embeddings", values, rows, dimension);
        writer.Save(output);
        return new EmbeddingExportResult(rows, dimension, checkpoint);
    }
}
