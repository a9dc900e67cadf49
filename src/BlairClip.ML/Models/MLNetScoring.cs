using Microsoft.ML;
using Microsoft.ML.Data;

using BlairClip.ML.Recommenders;

namespace BlairClip.ML.Models;

/// <summary>The ML.NET form of a fitted recommender: a chain of ML.NET built-ins that plain ML.NET saves, loads and
/// scores — <c>(UserId, ItemId)</c> text in, <c>Score</c> out, the shape of ML.NET's matrix-factorization models:
/// <code>
/// MapValue(UserId → UserVector)        lookup: one row per known user (dense or sparse float vector)
/// MapValue(ItemId → ItemVector)        lookup: one row per item
/// MapValue(ItemId → ItemBias)          (−∞: never recommended)
/// MapValue(ItemId → ItemSegments)      per part: dimension, sparse flag
/// CustomMapping "BlairClip.FactoredScore" → Score   (stateless, see FactoredScoreMapping)
/// DropColumns(UserVector, ItemVector, ItemBias, ItemSegments)
/// </code>
/// Written by hand because ML.NET 5.0.1 lets a custom transformer save no state of its own (the save context's
/// writer is internal): the learned state rides in MapValue lookups, which ML.NET stores in the zip.
/// A user or item the model does not know scores NaN (a user outside the model is scored from a history by
/// <see cref="RecommenderModel"/>, which reads the rest of the zip).</summary>
public static class MLNetScoring
{
    public const string UserIdColumn = "UserId", ItemIdColumn = "ItemId", ScoreColumn = "Score";
    private const string UserVector = nameof(FactoredScoreInput.UserVector), ItemVector = nameof(FactoredScoreInput.ItemVector),
        ItemBias = nameof(FactoredScoreInput.ItemBias), ItemSegments = nameof(FactoredScoreInput.ItemSegments);

    /// <summary>The schema the chain is fitted and saved with: <c>UserId</c>, <c>ItemId</c> (text).</summary>
    public static DataViewSchema InputSchema(MLContext ml) => EmptyInput(ml).Schema;

    /// <summary>Builds the ML.NET chain of <paramref name="scores"/> for the users of <paramref name="users"/> and the
    /// items of <paramref name="items"/> (index order).</summary>
    internal static ITransformer Build(MLContext ml, FactoredScores scores, Core.IdMap users, Core.IdMap items)
    {
        if (users.Count != scores.UserCount || items.Count != scores.ItemCount)
            throw new ArgumentException($"{scores.UserCount} users × {scores.ItemCount} items scored, ids for {users.Count} × {items.Count}.");
        int dim = scores.Parts.Sum(p => p.Items.Dimension);
        bool sparse = scores.Parts.Any(p => !p.Items.IsDense);
        var segments = scores.Parts.SelectMany(p => new float[] { p.Items.Dimension, p.Items.IsDense ? 0 : 1 }).ToArray();

        var userLookup = Lookup(ml, Enumerable.Range(0, users.Count).Select(u => new UserRow
        {
            UserId = users[u], UserVector = Concat(scores.Parts.Select(p => p.Users), u, dim, sparse),
        }), nameof(UserRow.UserVector), dim);
        var itemLookup = Lookup(ml, Enumerable.Range(0, items.Count).Select(i => new ItemRow
        {
            ItemId = items[i], ItemVector = Concat(scores.Parts.Select(p => p.Items), i, dim, sparse),
            ItemBias = scores.ItemBias?[i] ?? 0f, ItemSegments = new VBuffer<float>(segments.Length, segments),
        }), nameof(ItemRow.ItemVector), dim, (nameof(ItemRow.ItemSegments), segments.Length));

        var t = ml.Transforms;
        var chain = t.Conversion.MapValue(UserVector, userLookup, userLookup.Schema[nameof(UserRow.UserId)], userLookup.Schema[nameof(UserRow.UserVector)], UserIdColumn)
            .Append(t.Conversion.MapValue(ItemVector, itemLookup, itemLookup.Schema[nameof(ItemRow.ItemId)], itemLookup.Schema[nameof(ItemRow.ItemVector)], ItemIdColumn))
            .Append(t.Conversion.MapValue(ItemBias, itemLookup, itemLookup.Schema[nameof(ItemRow.ItemId)], itemLookup.Schema[nameof(ItemRow.ItemBias)], ItemIdColumn))
            .Append(t.Conversion.MapValue(ItemSegments, itemLookup, itemLookup.Schema[nameof(ItemRow.ItemId)], itemLookup.Schema[nameof(ItemRow.ItemSegments)], ItemIdColumn))
            .Append(t.CustomMapping(new FactoredScoreMapping().GetMapping(), FactoredScoreMapping.ContractName))
            .Append(t.DropColumns(UserVector, ItemVector, ItemBias, ItemSegments));
        return chain.Fit(EmptyInput(ml));
    }

    /// <summary>Row <paramref name="row"/> of every part, concatenated into one vector of <paramref name="dim"/>
    /// (sparse: dense parts contribute every index, sparse parts their non-zeros).</summary>
    private static VBuffer<float> Concat(IEnumerable<ItemMatrix> parts, int row, int dim, bool sparse)
    {
        if (!sparse)
        {
            var dense = new float[dim];
            int at = 0;
            foreach (var p in parts) { p.Row(row).CopyTo(dense.AsSpan(at)); at += p.Dimension; }
            return new VBuffer<float>(dim, dense);
        }
        var values = new List<float>();
        var indices = new List<int>();
        int offset = 0;
        foreach (var p in parts)
        {
            var v = p.Row(row);
            if (p.IsDense) for (int d = 0; d < v.Length; d++) { indices.Add(offset + d); values.Add(v[d]); }
            else
            {
                var idx = p.RowIndices(row);
                for (int k = 0; k < v.Length; k++) { indices.Add(offset + idx[k]); values.Add(v[k]); }
            }
            offset += p.Dimension;
        }
        return new VBuffer<float>(dim, values.Count, [.. values], [.. indices]);
    }

    private static IDataView Lookup<T>(MLContext ml, IEnumerable<T> rows, string vectorColumn, int dim, params (string Column, int Size)[] more) where T : class
    {
        var definition = SchemaDefinition.Create(typeof(T));
        definition[vectorColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dim);
        foreach (var (column, size) in more) definition[column].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        // Materialised: MapValue reads the lookup once while fitting and once more while saving.
        return ml.Data.LoadFromEnumerable(rows.ToList(), definition);
    }

    private static IDataView EmptyInput(MLContext ml) => ml.Data.LoadFromEnumerable(Array.Empty<PairRow>());

    private sealed class PairRow
    {
        public string UserId { get; set; } = "";
        public string ItemId { get; set; } = "";
    }

    private sealed class UserRow
    {
        public string UserId { get; set; } = "";
        public VBuffer<float> UserVector { get; set; }
    }

    private sealed class ItemRow
    {
        public string ItemId { get; set; } = "";
        public VBuffer<float> ItemVector { get; set; }
        public float ItemBias { get; set; }
        public VBuffer<float> ItemSegments { get; set; }
    }
}
