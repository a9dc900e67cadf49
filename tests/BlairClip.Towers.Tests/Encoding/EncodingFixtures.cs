using System.Numerics.Tensors;
using BlairClip.Images.Preprocessing;
using BlairClip.ML.Core;
using BlairClip.ML.Text.Tokenizers;
using BlairClip.Towers.Encoding;

namespace BlairClip.Towers.Tests.Encoding;

/// <summary>A deterministic text tower for testing the encoders' bookkeeping (cache, batching, save/load) without
/// libtorch: <c>e(t) = normalise([1, |t|, Σ chars mod 97, count of 'a'])</c>. Counts the texts it encodes.</summary>
internal sealed class CountingTextTower : ITextTower
{
    public int Dimension => 4;
    public ITextTokenizer Tokenizer => throw new NotSupportedException("not used by the encoders");
    public int MaxLength => 77;
    public int Encoded { get; private set; }
    public List<int> BatchSizes { get; } = new();

    public float[] EncodeTexts(IReadOnlyList<string> texts)
    {
        Encoded += texts.Count;
        BatchSizes.Add(texts.Count);
        var result = new float[texts.Count * Dimension];
        for (int i = 0; i < texts.Count; i++) Embed(texts[i], result.AsSpan(i * Dimension, Dimension));
        return result;
    }

    public static float[] Embed(string text)
    {
        var e = new float[4];
        Embed(text, e);
        return e;
    }

    private static void Embed(string text, Span<float> e)
    {
        e[0] = 1; e[1] = text.Length; e[2] = text.Sum(c => c) % 97; e[3] = text.Count(c => c == 'a');
        TensorPrimitives.Divide(e, TensorPrimitives.Norm(e), e);
    }

    public void Dispose() { }
}

/// <summary>A deterministic image tower on 8×8 crops: <c>e = normalise([mean R, mean G, mean B, 1])</c> of the
/// normalised pixel values. Counts the images it encodes.</summary>
internal sealed class CountingImageTower : IImageTower
{
    public int Dimension => 4;
    public ClipImageProcessor Processor { get; } = new(new ClipImageProcessorOptions { ShortestEdge = 8, CropHeight = 8, CropWidth = 8 });
    public int Encoded { get; private set; }

    public float[] EncodeImages(ReadOnlySpan<float> pixelValues, int batch)
    {
        Encoded += batch;
        int plane = 64;
        var result = new float[batch * Dimension];
        for (int b = 0; b < batch; b++)
        {
            var e = result.AsSpan(b * Dimension, Dimension);
            for (int c = 0; c < 3; c++) e[c] = TensorPrimitives.Sum(pixelValues.Slice(b * 3 * plane + c * plane, plane)) / plane;
            e[3] = 1;
            TensorPrimitives.Divide(e, TensorPrimitives.Norm(e), e);
        }
        return result;
    }

    public void Dispose() { }
}

/// <summary>A temporary folder with a fake checkpoint (weights are only hashed by the code under test), an
/// embedding cache folder, and helpers to build tiny catalogs.</summary>
internal sealed class EncodingSandbox : IDisposable
{
    public EncodingSandbox()
    {
        Root = Path.Combine(Path.GetTempPath(), "blairclip-encoding-" + Guid.NewGuid().ToString("N"));
        Checkpoint = Path.Combine(Root, "ckpt");
        CacheDir = Path.Combine(Root, "cache");
        Directory.CreateDirectory(Checkpoint);
        File.WriteAllBytes(Path.Combine(Checkpoint, "model.safetensors"), [1, 2, 3, 4]);
        File.WriteAllText(Path.Combine(Checkpoint, "config.json"), "{\"model_type\": \"fake\"}");
    }

    public string Root { get; }
    public string Checkpoint { get; }
    public string CacheDir { get; }

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "encoding", name);

    /// <summary>Items i0, i1, … with the given texts and image paths, and two users with one event each.</summary>
    public static RecDataset Catalog(IReadOnlyList<string> texts, IReadOnlyList<string>? images = null)
    {
        var items = new IdMap(texts.Select((_, i) => $"i{i}"));
        var users = new IdMap(["u0", "u1"]);
        var table = BlairClip.ML.DataViews.ColumnarDataView.Create(items.Count)
            .AddText(RecDataset.ItemIdColumn, items.Ids.ToArray())
            .AddText("Text", texts.ToArray())
            .AddText("ImagePath", (images ?? texts.Select(_ => "")).ToArray());
        var train = new Interactions([0, 1], [0, Math.Min(1, texts.Count - 1)], [1, 2], [float.NaN, float.NaN]);
        return new RecDataset(users, items, table, train);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
