using Microsoft.ML;
using Microsoft.ML.Data;

using BlairClip.ML.Recommenders;

namespace BlairClip.ML.Models;

/// <summary>The ML.NET form of a fitted recommender: a chain of ML.NET built-ins that plain ML.NET saves, loads and
/// scores, in the shape of ML.NET's matrix-factorization models — UInt32 key columns <c>UserId</c>, <c>ItemId</c>
/// in, <c>Score</c> out (<see cref="KeyChain"/>); a model zip puts <c>MapValueToKey</c> for the text ids in front
/// (<see cref="IdChain"/>):
/// <code>
/// [MapValueToKey(UserId), MapValueToKey(ItemId)]   zip only: text ids → keys, with the model's id maps
/// ConvertType(UserId, ItemId → UInt32)           the raw key values
/// MapValue(user key → UserVector)      lookup: one row per known user (dense or sparse float vector)
/// MapValue(item key → ItemVector, ItemBias, ItemSegments)   one row per item; bias −∞: never recommended
/// CustomMapping "BlairClip.FactoredScore" → Score   (stateless, see FactoredScoreMapping)
/// DropColumns(the intermediate columns)
/// </code>
/// Written by hand because ML.NET 5.0.1 lets a custom transformer save no state of its own (the save context's
/// writer is internal): the learned state rides in MapValue lookups, which ML.NET stores in the zip.
/// A user or item the model does not know scores NaN (a user outside the model is scored from a history by
/// <see cref="RecommenderModel"/>, which reads the rest of the zip).</summary>
public static class MLNetScoring
{
    public const string UserIdColumn = "UserId", ItemIdColumn = "ItemId", ScoreColumn = "Score";
    private const string UserVector = nameof(FactoredScoreInput.UserVector), ItemVector = nameof(FactoredScoreInput.ItemVector),
        ItemBias = nameof(FactoredScoreInput.ItemBias), ItemSegments = nameof(FactoredScoreInput.ItemSegments),
        UserKey = "__blairclip_user_key", ItemKey = "__blairclip_item_key", LookupKey = "Key";

    /// <summary>The text input a model zip's chain is saved with: <c>UserId</c>, <c>ItemId</c>.</summary>
    public static DataViewSchema IdInputSchema => IdInput.Schema;

    private static readonly IDataView IdInput = DataViews.ColumnarDataView.Create(0).AddText(UserIdColumn, []).AddText(ItemIdColumn, []);

    /// <summary>The key-typed input of <see cref="KeyChain"/>: <c>UserId</c>, <c>ItemId</c> keys over
    /// <paramref name="users"/> and <paramref name="items"/> keys.</summary>
    public static IDataView KeyInput(int users, int items) =>
        DataViews.ColumnarDataView.Create(0).AddKey(UserIdColumn, [], Math.Max(1, users)).AddKey(ItemIdColumn, [], Math.Max(1, items));

    /// <summary>The chain that scores key-typed (user, item) pairs with <paramref name="scores"/>.</summary>
    internal static ITransformer KeyChain(MLContext ml, FactoredScores scores)
    {
        int users = scores.UserCount, items = scores.ItemCount;
        int dim = scores.Parts.Sum(p => p.Items.Dimension);
        bool sparse = scores.Parts.Any(p => !p.Items.IsDense);
        var segments = scores.Parts.SelectMany(p => new float[] { p.Items.Dimension, p.Items.IsDense ? 0 : 1 }).ToArray();

        var userLookup = Lookup(ml, Enumerable.Range(0, users).Select(u => new UserRow
        {
            Key = (uint)u + 1, UserVector = Concat(scores.Parts.Select(p => p.Users), u, dim, sparse),
        }), nameof(UserRow.UserVector), dim);
        var itemLookup = Lookup(ml, Enumerable.Range(0, items).Select(i => new ItemRow
        {
            Key = (uint)i + 1, ItemVector = Concat(scores.Parts.Select(p => p.Items), i, dim, sparse),
            ItemBias = scores.ItemBias?[i] ?? 0f, ItemSegments = new VBuffer<float>(segments.Length, segments),
        }), nameof(ItemRow.ItemVector), dim, (nameof(ItemRow.ItemSegments), segments.Length));

        var t = ml.Transforms;
        var key = itemLookup.Schema[LookupKey];
        var chain = t.Conversion.ConvertType(UserKey, UserIdColumn, DataKind.UInt32)
            .Append(t.Conversion.ConvertType(ItemKey, ItemIdColumn, DataKind.UInt32))
            .Append(t.Conversion.MapValue(UserVector, userLookup, userLookup.Schema[LookupKey], userLookup.Schema[nameof(UserRow.UserVector)], UserKey))
            .Append(t.Conversion.MapValue(ItemVector, itemLookup, key, itemLookup.Schema[nameof(ItemRow.ItemVector)], ItemKey))
            .Append(t.Conversion.MapValue(ItemBias, itemLookup, key, itemLookup.Schema[nameof(ItemRow.ItemBias)], ItemKey))
            .Append(t.Conversion.MapValue(ItemSegments, itemLookup, key, itemLookup.Schema[nameof(ItemRow.ItemSegments)], ItemKey))
            .Append(t.CustomMapping(new FactoredScoreMapping().GetMapping(), FactoredScoreMapping.ContractName))
            .Append(t.DropColumns(UserKey, ItemKey, UserVector, ItemVector, ItemBias, ItemSegments));
        return chain.Fit(KeyInput(users, items));
    }

    /// <summary><paramref name="keyChain"/> behind <c>MapValueToKey</c> of the text ids <paramref name="users"/> and
    /// <paramref name="items"/> (in index order): what a model zip holds, input <see cref="IdInputSchema"/>.</summary>
    internal static ITransformer IdChain(MLContext ml, Core.IdMap users, Core.IdMap items, ITransformer keyChain)
    {
        var t = ml.Transforms.Conversion;
        // maximumNumberOfKeys: ML.NET's default (10^6) would cap a catalog of more users; the id maps are the keys.
        var keys = t.MapValueToKey(UserIdColumn, maximumNumberOfKeys: Math.Max(1, users.Count), keyData: IdsView(users))
            .Append(t.MapValueToKey(ItemIdColumn, maximumNumberOfKeys: Math.Max(1, items.Count), keyData: IdsView(items)))
            .Fit(IdInput);
        return new TransformerChain<ITransformer>([.. keys, keyChain]);
    }

    private static IDataView IdsView(Core.IdMap ids) => DataViews.ColumnarDataView.Create(ids.Count).AddText("Id", [.. ids.Ids]);

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

    private sealed class UserRow
    {
        public uint Key { get; set; }
        public VBuffer<float> UserVector { get; set; }
    }

    private sealed class ItemRow
    {
        public uint Key { get; set; }
        public VBuffer<float> ItemVector { get; set; }
        public float ItemBias { get; set; }
        public VBuffer<float> ItemSegments { get; set; }
    }
}
