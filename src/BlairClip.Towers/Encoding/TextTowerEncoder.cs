using Microsoft.ML;
using Microsoft.ML.Data;
using BlairClip.ML.Core;
using BlairClip.ML.DataViews;

namespace BlairClip.Towers.Encoding;

/// <summary>Options of <see cref="TextTowerEncoder"/>.</summary>
public sealed record TextTowerEncoderOptions : TowerEncoderOptions
{
    /// <summary>(string) Item text column to encode.</summary>
    public string InputColumn { get; init; } = "Text";
    /// <summary>(string) Dense vector column to write.</summary>
    public string OutputColumn { get; init; } = "text_embedding";
}

/// <summary>The settings every tower encoder shares (the checkpoint, where and how it runs, the cache).</summary>
public abstract record TowerEncoderOptions
{
    // Device, dtype and batch size default to the tower's own defaults (declared once, in TowerOptions).
    private static readonly TowerOptions TowerDefaults = new();

    /// <summary>(string) Hugging Face checkpoint folder (RoBERTa/BLaIR or CLIP); relative to the study's folder.</summary>
    public string Checkpoint { get; init; } = "";
    /// <summary>(int) Items per forward pass.</summary>
    public int BatchSize { get; init; } = TowerDefaults.BatchSize;
    /// <summary>(string) cpu | cuda | cuda:N.</summary>
    public string Device { get; init; } = TowerDefaults.Device;
    /// <summary>(float32 | bf16) Precision of weights and activations (embeddings are stored as float32).</summary>
    public TowerPrecision Dtype { get; init; } = TowerDefaults.DType;
    /// <summary>(bool) Reuse embeddings computed before with the same checkpoint, preprocessing files and dtype, and store new ones.</summary>
    public bool Cache { get; init; } = true;
    /// <summary>(string?) Embedding cache folder (relative to the study); null: $BLAIRCLIP_CACHE or ./.blairclip-cache/embeddings.</summary>
    public string? CacheDir { get; init; } = null;

    /// <summary>Where, in which precision and how many items per forward pass the tower runs.</summary>
    internal TowerOptions ToTowerOptions() => new() { Device = Device, DType = Dtype, BatchSize = BatchSize };
}

/// <summary>Encodes every item text with a pretrained text tower into L2-normalised embeddings
/// (<c>[items, dim]</c>): the CLS state for RoBERTa/BLaIR, the projected text embeds for CLIP. Rows come from the
/// <see cref="EmbeddingCache"/> when the same checkpoint, tokenizer files and dtype encoded the same text before;
/// identical texts are encoded once.</summary>
[PipelineStep("TextTowerEncoder", typeof(TextTowerEncoderOptions))]
public sealed class TextTowerEncoder : IEstimator<TowerEmbeddings>
{
    /// <summary>Files that decide how a text is tokenized (hashed into the cache key, with config.json's sizes).</summary>
    internal static readonly string[] PreprocessingFiles =
        ["config.json", "tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "special_tokens_map.json", "added_tokens.json"];

    private readonly Func<string, TowerOptions, ITextTower> _loadTower;

    /// <exception cref="InvalidOptionException">An option is out of range (named as in YAML).</exception>
    public TextTowerEncoder(BlairClipContext context, TextTowerEncoderOptions options)
        : this(context, options, PretrainedTowers.LoadTextTower) { }

    /// <summary>With another tower loader (tests use it to count and check calls).</summary>
    internal TextTowerEncoder(BlairClipContext context, TextTowerEncoderOptions options, Func<string, TowerOptions, ITextTower> loadTower)
    {
        EncoderSettings.Validate(options, options.InputColumn, options.OutputColumn);
        Context = context;
        Options = options;
        _loadTower = loadTower;
    }

    public BlairClipContext Context { get; }
    public TextTowerEncoderOptions Options { get; }

    /// <summary>Adds <c>output_column</c>, a known-size Single vector (its size is the checkpoint's).</summary>
    /// <exception cref="SchemaMismatchException">No text column <c>input_column</c> or ItemId.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        DataViewColumns.Require(inputSchema, Options.InputColumn, nameof(TextTowerEncoder), ColumnKind.Text);
        DataViewColumns.Require(inputSchema, RecDataset.ItemIdColumn, nameof(TextTowerEncoder), ColumnKind.Text);
        return SchemaShapes.With(inputSchema, (Options.OutputColumn, new VectorDataViewType(NumberDataViewType.Single, 1)));
    }

    /// <summary>Encodes the texts of the item table <paramref name="input"/> (cache first, then the tower for the rest).</summary>
    /// <exception cref="DirectoryNotFoundException">The checkpoint folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no weight file.</exception>
    public TowerEmbeddings Fit(IDataView input)
    {
        DataViewColumns.Require(input.Schema, Options.InputColumn, nameof(TextTowerEncoder), ColumnKind.Text);
        var itemIds = DataViewColumns.Text(input, RecDataset.ItemIdColumn, nameof(TextTowerEncoder));
        var dir = EncoderSettings.CheckpointDirectory(Context, Options.Checkpoint);
        var checkpoint = CheckpointReference.Of(dir);
        var key = CheckpointFingerprint.Key("text", checkpoint.Sha256, CheckpointFingerprint.FilesSha256(dir, PreprocessingFiles), Options.Dtype.Name());
        var cache = Options.Cache ? new EmbeddingCache(EncoderSettings.CacheDirectory(Context, Options.CacheDir), key) : null;

        var texts = DataViewColumns.Text(input, Options.InputColumn, nameof(TextTowerEncoder));
        var hashes = new EmbeddingCache.Hash[texts.Length];
        for (int i = 0; i < texts.Length; i++) hashes[i] = EmbeddingCache.HashOf(System.Text.Encoding.UTF8.GetBytes(texts[i] ?? ""));
        var rows = new UniqueRows(hashes);
        int cached = cache is null ? 0 : rows.FillFromCache(cache);

        var misses = rows.Missing();
        int dimension = rows.Dimension ?? 0;
        if (misses.Count > 0)
        {
            using var tower = _loadTower(dir, Options.ToTowerOptions());
            dimension = tower.Dimension;
            using var progress = Context.Progress.Start($"encode texts ({Path.GetFileName(dir)})", misses.Count);
            for (int start = 0; start < misses.Count; start += Options.BatchSize)
            {
                var batch = misses.Skip(start).Take(Options.BatchSize).ToList();
                var embeddings = tower.EncodeTexts(batch.Select(u => texts[rows.FirstItem(u)] ?? "").ToList());
                if (embeddings.Length != batch.Count * dimension)
                    throw new InvalidOperationException($"The text tower returned {embeddings.Length} values for {batch.Count} texts of dimension {dimension}.");
                for (int k = 0; k < batch.Count; k++)
                {
                    var row = embeddings.AsSpan(k * dimension, dimension);
                    rows.Set(batch[k], row.ToArray());
                    cache?.Put(hashes[rows.FirstItem(batch[k])], row);
                }
                progress.Advance(batch.Count);
            }
            cache?.Save();
        }
        var values = rows.Assemble(dimension, out _);
        return new TowerEmbeddings(TowerKind.Text, Options.InputColumn, Options.OutputColumn, checkpoint, Options.Dtype.Name(), "",
            dimension, itemIds, values, new byte[texts.Length])
        {
            EncodedCount = misses.Count, CachedCount = cached,
        };
    }
}

/// <summary>Catalog entry point for <see cref="TextTowerEncoder"/>.</summary>
public static class TextTowerCatalog
{
    /// <summary>L2-normalised text tower embeddings of the item texts.</summary>
    public static TextTowerEncoder TextTower(this ItemTransformsCatalog catalog, TextTowerEncoderOptions options) =>
        new(catalog.Context, options);

    /// <summary>L2-normalised text tower embeddings of the item texts, from <paramref name="checkpoint"/> with defaults otherwise.</summary>
    public static TextTowerEncoder TextTower(this ItemTransformsCatalog catalog, string checkpoint) =>
        new(catalog.Context, new TextTowerEncoderOptions { Checkpoint = checkpoint });
}
