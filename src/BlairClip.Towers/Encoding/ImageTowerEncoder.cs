using Microsoft.ML;
using Microsoft.ML.Data;
using BlairClip.ML.Core;
using BlairClip.ML.DataViews;

namespace BlairClip.Towers.Encoding;

/// <summary>Options of <see cref="ImageTowerEncoder"/>.</summary>
public sealed record ImageTowerEncoderOptions : TowerEncoderOptions
{
    /// <summary>(string) Item column holding each item's local image path ("" when none).</summary>
    public string InputColumn { get; init; } = "ImagePath";
    /// <summary>(string) Dense vector column to write (plus the Int32 presence column <c>{output_column}_present</c>).</summary>
    public string OutputColumn { get; init; } = "image_embedding";
    /// <summary>(black | skip) What an item without a readable image gets: black = the embedding of an all-black
    /// image (the seed study's behaviour); skip = a zero row (it scores 0 against every profile).</summary>
    public MissingImagePolicy MissingImage { get; init; } = MissingImagePolicy.Black;
}

/// <summary>What an item without a readable image is encoded as.</summary>
public enum MissingImagePolicy
{
    /// <summary>The embedding of an all-black image (the seed study's behaviour).</summary>
    Black,
    /// <summary>A zero row, flagged absent (<c>missing: skip</c> in the recommender leaves the item out).</summary>
    Skip,
}

/// <summary>Encodes every item image with a CLIP image tower into L2-normalised embeddings (<c>[items, dim]</c>).
/// Images are decoded and preprocessed as the checkpoint's <c>preprocessor_config.json</c> says
/// (<see cref="BlairClip.Images.Preprocessing.ClipImageProcessor"/>). An item whose path is empty or names no file is
/// <em>missing</em>; one whose file cannot be decoded is <em>unreadable</em>; both follow <c>missing_image</c>, are
/// flagged 0 in <c>{output_column}_present</c>, and are counted in the context's report
/// (<c>{output_column}_missing_images</c>, <c>{output_column}_unreadable_images</c>, written to run.json). An image
/// above half the decoder's pixel limit (<see cref="BlairClip.Images.Decoding.ImageDecoder.LargePixels"/>) is encoded but
/// counted in <c>{output_column}_large_images</c> and named once in a warning line (<see cref="BlairClipContext.Warnings"/>),
/// whether its embedding is encoded or cached: the size comes from the file's header.
/// Rows come from the <see cref="EmbeddingCache"/> by the SHA-256 of the image file's bytes.</summary>
[PipelineStep("ImageTowerEncoder", typeof(ImageTowerEncoderOptions))]
public sealed class ImageTowerEncoder : IEstimator<TowerEmbeddings>
{
    /// <summary>Files that decide how an image is preprocessed and encoded (hashed into the cache key).</summary>
    internal static readonly string[] PreprocessingFiles = ["config.json", "preprocessor_config.json"];

    private readonly Func<string, TowerOptions, IImageTower> _loadTower;

    /// <exception cref="InvalidOptionException">An option is out of range (named as in YAML).</exception>
    public ImageTowerEncoder(BlairClipContext context, ImageTowerEncoderOptions options)
        : this(context, options, PretrainedTowers.LoadImageTower) { }

    /// <summary>With another tower loader (tests use it to count and check calls).</summary>
    internal ImageTowerEncoder(BlairClipContext context, ImageTowerEncoderOptions options, Func<string, TowerOptions, IImageTower> loadTower)
    {
        EncoderSettings.Validate(options, options.InputColumn, options.OutputColumn);
        InvalidOptionException.Check(Enum.IsDefined(options.MissingImage), "missing_image", (int)options.MissingImage, "must be black or skip");
        Context = context;
        Options = options;
        _loadTower = loadTower;
    }

    public BlairClipContext Context { get; }
    public ImageTowerEncoderOptions Options { get; }

    /// <summary>Adds <c>output_column</c> (a known-size Single vector; the size is the checkpoint's) and its presence flags.</summary>
    /// <exception cref="SchemaMismatchException">No text column <c>input_column</c> or ItemId.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        DataViewColumns.Require(inputSchema, Options.InputColumn, nameof(ImageTowerEncoder), ColumnKind.Text);
        DataViewColumns.Require(inputSchema, RecDataset.ItemIdColumn, nameof(ImageTowerEncoder), ColumnKind.Text);
        return SchemaShapes.With(inputSchema, (Options.OutputColumn, new VectorDataViewType(NumberDataViewType.Single, 1)),
            (BlairClip.ML.Features.ItemFeatureLoader.PresenceColumn(Options.OutputColumn), NumberDataViewType.Int32));
    }

    /// <summary>Encodes the images of the item table <paramref name="input"/> (cache first, then the tower for the rest).</summary>
    /// <exception cref="DirectoryNotFoundException">The checkpoint folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no weight file.</exception>
    /// <exception cref="BlairClip.Images.Decoding.ImageDecoderUnavailableException">A native image library is not installed.</exception>
    public TowerEmbeddings Fit(IDataView input)
    {
        var column = DataViewColumns.Text(input, Options.InputColumn, nameof(ImageTowerEncoder));
        var itemIds = DataViewColumns.Text(input, RecDataset.ItemIdColumn, nameof(ImageTowerEncoder));
        var dir = EncoderSettings.CheckpointDirectory(Context, Options.Checkpoint);
        var checkpoint = CheckpointReference.Of(dir);
        var key = CheckpointFingerprint.Key("image", checkpoint.Sha256, CheckpointFingerprint.FilesSha256(dir, PreprocessingFiles), Options.Dtype.Name());
        var cache = Options.Cache ? new EmbeddingCache(EncoderSettings.CacheDirectory(Context, Options.CacheDir), key) : null;
        bool black = Options.MissingImage == MissingImagePolicy.Black;

        // Content of item i: its file's bytes; a missing item shares the all-zero hash, which stands for the black image.
        int n = column.Length;
        var paths = new string[n];
        var hashes = new EmbeddingCache.Hash[n];
        var missing = new bool[n];
        var sizes = new (int Width, int Height)?[n];
        // Reading every file to hash it is I/O bound; overlap it across items.
        Parallel.For(0, n, i =>
        {
            var p = column[i];
            paths[i] = string.IsNullOrEmpty(p) ? "" : Context.ResolvePath(p);
            missing[i] = paths[i].Length == 0 || !File.Exists(paths[i]);
            if (missing[i]) return;
            var bytes = File.ReadAllBytes(paths[i]);
            hashes[i] = EmbeddingCache.HashOf(bytes);
            sizes[i] = BlairClip.Images.Decoding.ImageSizeProbe.Read(bytes);
        });
        int largeCount = WarnLargeImages(paths, sizes);
        var skipped = black ? default : missing.AsSpan();
        var rows = new UniqueRows(hashes, skipped);
        int cached = cache is null ? 0 : rows.FillFromCache(cache);

        var misses = rows.Missing();
        int dimension = rows.Dimension ?? 0;
        if (misses.Count > 0)
        {
            using var tower = _loadTower(dir, Options.ToTowerOptions());
            dimension = tower.Dimension;
            var processor = tower.Processor;
            int perImage = processor.ValuesPerImage;
            using var progress = Context.Progress.Start($"encode images ({Path.GetFileName(dir)})", misses.Count);
            for (int start = 0; start < misses.Count; start += Options.BatchSize)
            {
                var batch = misses.Skip(start).Take(Options.BatchSize).ToList();
                var pixels = new float[batch.Count * perImage];
                var errors = Preprocess(processor, batch.Select(u => missing[rows.FirstItem(u)] ? null : paths[rows.FirstItem(u)]).ToList(), pixels);
                var embeddings = tower.EncodeImages(pixels, batch.Count);
                if (embeddings.Length != batch.Count * dimension)
                    throw new InvalidOperationException($"The image tower returned {embeddings.Length} values for {batch.Count} images of dimension {dimension}.");
                for (int k = 0; k < batch.Count; k++)
                {
                    bool unreadable = errors[k] is not null;
                    var row = embeddings.AsSpan(k * dimension, dimension);
                    rows.Set(batch[k], row.ToArray(), unreadable);
                    cache?.Put(rows.HashOf(batch[k]), row, unreadable);
                }
                progress.Advance(batch.Count);
            }
            cache?.Save();
        }

        var values = rows.Assemble(dimension, out _);
        var flags = new byte[n];
        int missingCount = 0, unreadableCount = 0;
        for (int i = 0; i < n; i++)
        {
            bool unreadable = !missing[i] && rows.IsUnreadable(rows.UniqueOf(i));
            if (missing[i]) missingCount++;
            if (unreadable) unreadableCount++;
            if (!missing[i] && !unreadable) continue;
            flags[i] = 1;
            if (!black) values.AsSpan(i * dimension, dimension).Clear();
        }
        Context.Report.Set(Options.OutputColumn + "_missing_images", missingCount);
        Context.Report.Set(Options.OutputColumn + "_unreadable_images", unreadableCount);
        Context.Report.Set(Options.OutputColumn + "_large_images", largeCount);
        return new TowerEmbeddings(TowerKind.Image, Options.InputColumn, Options.OutputColumn, checkpoint, Options.Dtype.Name(), Options.MissingImage == MissingImagePolicy.Black ? "black" : "skip",
            dimension, itemIds, values, flags)
        {
            EncodedCount = misses.Count, CachedCount = cached, MissingImageCount = missingCount, UnreadableImageCount = unreadableCount,
            LargeImageCount = largeCount,
        };
    }

    /// <summary>Writes one warning per distinct file above half the pixel limit (in item order).</summary>
    /// <returns>How many items have such an image.</returns>
    private int WarnLargeImages(string[] paths, (int Width, int Height)?[] sizes)
    {
        int count = 0;
        var warned = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < paths.Length; i++)
        {
            if (sizes[i] is not { } size || !BlairClip.Images.Decoding.ImageDecoder.IsLarge(size.Width, size.Height)) continue;
            var (w, h) = size;
            count++;
            if (warned.Add(paths[i]))
                Context.Warnings.WriteLine($"warning: {paths[i]}: image of {w}x{h} = {(long)w * h:N0} pixels is above "
                    + $"{BlairClip.Images.Decoding.ImageDecoder.LargePixels:N0}, half the decoder's limit of {BlairClip.Images.Decoding.ImageDecoder.MaxPixels:N0}; "
                    + $"it is encoded, but takes {(long)w * h * 3 / 1_000_000:N0} MB to decode (counted in {Options.OutputColumn}_large_images).");
        }
        return count;
    }

    /// <summary>Pixel values <c>[paths.Count, 3, H, W]</c>: each file preprocessed, and the all-black image where the path
    /// is null (a missing item under the black policy) or the file cannot be decoded.</summary>
    /// <returns>Per slot, the decode error of an unreadable file, else null.</returns>
    private static BlairClip.Images.Decoding.ImageDecodeException?[] Preprocess(
        BlairClip.Images.Preprocessing.ClipImageProcessor processor, IReadOnlyList<string?> paths, Span<float> pixels)
    {
        int perImage = processor.ValuesPerImage;
        var files = Enumerable.Range(0, paths.Count).Where(k => paths[k] is not null).ToList();
        var filePixels = new float[files.Count * perImage];
        var fileErrors = processor.PreprocessFiles(files.Select(k => paths[k]!).ToList(), filePixels);
        var errors = new BlairClip.Images.Decoding.ImageDecodeException?[paths.Count];
        var blackCrop = new byte[perImage];
        for (int k = 0; k < paths.Count; k++)
            if (paths[k] is null) processor.Normalize(blackCrop, pixels.Slice(k * perImage, perImage));
        for (int f = 0; f < files.Count; f++)
        {
            filePixels.AsSpan(f * perImage, perImage).CopyTo(pixels.Slice(files[f] * perImage, perImage));
            errors[files[f]] = fileErrors[f];
        }
        return errors;
    }
}

/// <summary>Catalog entry point for <see cref="ImageTowerEncoder"/>.</summary>
public static class ImageTowerCatalog
{
    /// <summary>L2-normalised CLIP image embeddings of the item images.</summary>
    public static ImageTowerEncoder ImageTower(this ItemTransformsCatalog catalog, ImageTowerEncoderOptions options) =>
        new(catalog.Context, options);

    /// <summary>L2-normalised CLIP image embeddings of the item images, from <paramref name="checkpoint"/> with defaults otherwise.</summary>
    public static ImageTowerEncoder ImageTower(this ItemTransformsCatalog catalog, string checkpoint) =>
        new(catalog.Context, new ImageTowerEncoderOptions { Checkpoint = checkpoint });
}
