using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using BlairClip.ML.Core;
using BlairClip.ML.DataViews;
using BlairClip.ML.Features;
using BlairClip.ML.Models;

namespace BlairClip.Towers.Encoding;

/// <summary>Which tower produced an embedding column.</summary>
public enum TowerKind
{
    /// <summary>A text tower (RoBERTa/BLaIR CLS state, or CLIP projected text embeds).</summary>
    Text,
    /// <summary>A CLIP image tower (projected image embeds).</summary>
    Image,
}

/// <summary>Fitted <see cref="TextTowerEncoder"/> or <see cref="ImageTowerEncoder"/>: the L2-normalised embedding of
/// every catalog item, computed once at fit time, so that transforming (and loading a saved model) needs no checkpoint.
/// <see cref="Transform"/> adds <c>output_column</c> (<c>[items, Dimension]</c>) looked up by item id; image columns
/// also get the presence column <c>{output_column}_present</c> (<see cref="ItemFeatureLoader.PresenceColumn"/>: Int32, 0 where
/// the item had no readable image), which <c>EmbeddingRecommender</c>'s <c>missing: skip</c> reads.
/// <para>Entry layout v1: properties <c>tower</c> ("text" | "image"), <c>input_column</c>, <c>output_column</c>,
/// <c>checkpoint</c> (absolute folder at fit time), <c>checkpoint_sha256</c> (<see cref="CheckpointFingerprint.WeightsSha256"/>),
/// <c>dtype</c>, <c>missing_image</c> ("" for text), <c>dimension</c>; tensors <c>item_ids_utf8</c> U8 [bytes] and
/// <c>item_id_offsets</c> I32 [items + 1] (the ids' UTF-8 bytes back to back, and where each starts, then the total),
/// <c>embeddings</c> F32 [items, dim], <c>missing</c> U8 [items].</para></summary>
[ModelEntry("TowerEmbeddings", 1)]
public sealed class TowerEmbeddings : ItemTransformer
{
    private readonly string[] _itemIds;
    private readonly Dictionary<string, int> _rowOf;
    private readonly float[] _embeddings;
    private readonly byte[] _missing;

    internal TowerEmbeddings(TowerKind tower, string inputColumn, string outputColumn, CheckpointReference checkpoint,
        string dtype, string missingImage, int dimension, string[] itemIds, float[] embeddings, byte[] missing)
    {
        if (dimension <= 0 || embeddings.Length != itemIds.Length * dimension || missing.Length != itemIds.Length)
            throw new ArgumentException($"{itemIds.Length} items need {itemIds.Length} x {dimension} embedding values and {itemIds.Length} flags, got {embeddings.Length} and {missing.Length}.");
        Tower = tower; InputColumn = inputColumn; OutputColumn = outputColumn; Checkpoint = checkpoint;
        DType = dtype; MissingImage = missingImage; Dimension = dimension;
        _itemIds = itemIds; _embeddings = embeddings; _missing = missing;
        _rowOf = new Dictionary<string, int>(itemIds.Length, StringComparer.Ordinal);
        for (int i = 0; i < itemIds.Length; i++)
            if (!_rowOf.TryAdd(itemIds[i], i)) throw new ArgumentException($"Item id '{itemIds[i]}' appears twice.");
    }

    public TowerKind Tower { get; }
    public string InputColumn { get; }
    public string OutputColumn { get; }
    /// <summary>The checkpoint the embeddings came from (not needed to use them).</summary>
    public CheckpointReference Checkpoint { get; }
    public string DType { get; }
    /// <summary>"black" or "skip" for image towers; "" for text.</summary>
    public string MissingImage { get; }
    public int Dimension { get; }
    /// <summary>Item ids, in embedding row order.</summary>
    public IReadOnlyList<string> ItemIds => _itemIds;
    /// <summary>All embeddings, <c>[ItemIds.Count, Dimension]</c> row-major; unit rows, or zero rows where missing.</summary>
    public ReadOnlySpan<float> Embeddings => _embeddings;
    /// <summary>Per item, 1 where it had no readable image (its row is zero under <c>skip</c>, the black image's
    /// embedding under <c>black</c>).</summary>
    public ReadOnlySpan<byte> Missing => _missing;

    /// <summary>Fit statistics (not saved): rows the tower computed during fit. 0 when everything came from the cache.</summary>
    public int EncodedCount { get; init; }
    /// <summary>Fit statistics (not saved): rows found in the embedding cache.</summary>
    public int CachedCount { get; init; }
    /// <summary>Fit statistics (not saved): items with no image path or no file there.</summary>
    public int MissingImageCount { get; init; }
    /// <summary>Fit statistics (not saved): items whose image file could not be decoded.</summary>
    public int UnreadableImageCount { get; init; }
    /// <summary>Fit statistics (not saved): items whose image is above half the decoder's pixel limit (encoded, and
    /// warned about once per file).</summary>
    public int LargeImageCount { get; init; }

    private string PresenceColumn => ItemFeatureLoader.PresenceColumn(OutputColumn);

    /// <exception cref="SchemaMismatchException">No text column ItemId.</exception>
    protected override (string Name, DataViewType Type)[] AddedColumns(DataViewSchema input)
    {
        DataViewColumns.Require(input, RecDataset.ItemIdColumn, nameof(TowerEmbeddings), ColumnKind.Text);
        var vector = (OutputColumn, (DataViewType)new VectorDataViewType(NumberDataViewType.Single, Dimension));
        return Tower == TowerKind.Image ? [vector, (PresenceColumn, NumberDataViewType.Int32)] : [vector];
    }

    /// <summary>Adds the embeddings of the table's items (looked up by id).</summary>
    /// <exception cref="InvalidOperationException">An item was not in the catalog encoded at fit time; the message names it.</exception>
    protected override ColumnarDataView Append(ColumnarDataView input)
    {
        var ids = DataViewColumns.Text(input, RecDataset.ItemIdColumn, nameof(TowerEmbeddings));
        var values = new float[ids.Length * Dimension];
        var present = new int[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            if (!_rowOf.TryGetValue(ids[i], out int row))
                throw new InvalidOperationException(
                    $"{OutputColumn}: item '{ids[i]}' (row {i}) was not in the {_itemIds.Length}-item catalog encoded at fit time; refit the pipeline to encode new items.");
            _embeddings.AsSpan(row * Dimension, Dimension).CopyTo(values.AsSpan(i * Dimension, Dimension));
            present[i] = 1 - _missing[row];
        }
        var table = input.AddDense(OutputColumn, Dimension, values);
        return Tower == TowerKind.Image ? table.AddInt32(PresenceColumn, present) : table;
    }

    public override void SaveEntry(EntryWriter context)
    {
        var p = context.Properties;
        p["tower"] = Tower == TowerKind.Text ? "text" : "image";
        p["input_column"] = InputColumn;
        p["output_column"] = OutputColumn;
        p["checkpoint"] = Checkpoint.Path;
        p["checkpoint_sha256"] = Checkpoint.Sha256;
        p["dtype"] = DType;
        p["missing_image"] = MissingImage;
        p["dimension"] = Dimension;
        var offsets = new int[_itemIds.Length + 1];
        var bytes = new List<byte>();
        for (int i = 0; i < _itemIds.Length; i++)
        {
            bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(_itemIds[i]));
            offsets[i + 1] = bytes.Count;
        }
        context.Tensors.Add<byte>("item_ids_utf8", bytes.ToArray(), bytes.Count);
        context.Tensors.Add<int>("item_id_offsets", offsets, offsets.Length);
        context.Tensors.Add<float>("embeddings", _embeddings, _itemIds.Length, Dimension);
        context.Tensors.Add<byte>("missing", _missing, _itemIds.Length);
    }

    /// <summary>Reads an entry written by <see cref="Save"/>; the checkpoint folder is not opened.</summary>
    /// <exception cref="InvalidDataException">Inconsistent properties or tensors; the message names the entry.</exception>
    public static TowerEmbeddings LoadEntry(EntryReader context)
    {
        var tower = context.Get<string>("tower") switch
        {
            "text" => TowerKind.Text,
            "image" => TowerKind.Image,
            var t => throw new InvalidDataException($"{context.Entry}: property 'tower' must be 'text' or 'image', but was '{t}'."),
        };
        int dimension = context.Get<int>("dimension");
        var bytes = context.Tensors.Get<byte>("item_ids_utf8");
        var offsets = context.Tensors.Get<int>("item_id_offsets");
        var embeddings = context.Tensors.Get<float>("embeddings");
        var missing = context.Tensors.Get<byte>("missing");
        int items = offsets.Length - 1;
        if (items < 0 || offsets[0] != 0 || offsets[^1] != bytes.Length)
            throw new InvalidDataException($"{context.Entry}: item_id_offsets must run from 0 to {bytes.Length} (the id byte count), but has {offsets.Length} entries ending at {offsets.LastOrDefault()}.");
        if (dimension <= 0 || embeddings.Length != items * dimension || missing.Length != items)
            throw new InvalidDataException($"{context.Entry}: {items} items of dimension {dimension} need {items * dimension} embedding values and {items} missing flags, but there are {embeddings.Length} and {missing.Length}.");
        var ids = new string[items];
        for (int i = 0; i < items; i++)
        {
            if (offsets[i + 1] < offsets[i])
                throw new InvalidDataException($"{context.Entry}: item_id_offsets decreases at item {i} ({offsets[i]} → {offsets[i + 1]}).");
            ids[i] = System.Text.Encoding.UTF8.GetString(bytes, offsets[i], offsets[i + 1] - offsets[i]);
        }
        return new TowerEmbeddings(tower, context.Get<string>("input_column"), context.Get<string>("output_column"),
            new CheckpointReference(context.Get<string>("checkpoint"), context.Get<string>("checkpoint_sha256")),
            context.Get<string>("dtype"), context.Get<string>("missing_image"), dimension, ids, embeddings, missing);
    }
}
