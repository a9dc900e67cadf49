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

        // The lookups are views over the factor arrays themselves (no row objects, no copy): MapValue reads each once
        // while fitting and once more while saving.
        var userLookup = ItemMatrix.Concat([.. scores.Parts.Select(p => p.Users)], sparse)
            .AddTo(DataViews.ColumnarDataView.Create(users).AddUInt32(LookupKey, Keys(users)), UserVector);
        var bias = scores.ItemBias ?? new float[items];
        var itemLookup = ItemMatrix.Concat([.. scores.Parts.Select(p => p.Items)], sparse)
            .AddTo(DataViews.ColumnarDataView.Create(items).AddUInt32(LookupKey, Keys(items)), ItemVector)
            .AddSingle(ItemBias, bias)
            .AddDense(ItemSegments, segments.Length, Enumerable.Range(0, items).SelectMany(_ => segments).ToArray());

        var t = ml.Transforms;
        var key = itemLookup.Schema[LookupKey];
        var chain = t.Conversion.ConvertType(UserKey, UserIdColumn, DataKind.UInt32)
            .Append(t.Conversion.ConvertType(ItemKey, ItemIdColumn, DataKind.UInt32))
            .Append(t.Conversion.MapValue(UserVector, userLookup, userLookup.Schema[LookupKey], userLookup.Schema[UserVector], UserKey))
            .Append(t.Conversion.MapValue(ItemVector, itemLookup, key, itemLookup.Schema[ItemVector], ItemKey))
            .Append(t.Conversion.MapValue(ItemBias, itemLookup, key, itemLookup.Schema[ItemBias], ItemKey))
            .Append(t.Conversion.MapValue(ItemSegments, itemLookup, key, itemLookup.Schema[ItemSegments], ItemKey))
            .Append(t.CustomMapping(new FactoredScoreMapping().GetMapping(), FactoredScoreMapping.ContractName))
            .Append(t.DropColumns(UserKey, ItemKey, UserVector, ItemVector, ItemBias, ItemSegments));
        return chain.Fit(KeyInput(users, items));
    }

    /// <summary><paramref name="keyChain"/> behind the <c>MapValueToKey</c> of the text ids <paramref name="idKeys"/>
    /// (<see cref="IdKeys"/>): what a model zip holds, input <see cref="IdInputSchema"/>.</summary>
    internal static ITransformer IdChain(TransformerChain<ITransformer> idKeys, ITransformer keyChain) =>
        new TransformerChain<ITransformer>([.. idKeys, keyChain]);

    /// <summary><c>MapValueToKey</c> of the text ids <paramref name="users"/> and <paramref name="items"/> (in index
    /// order): the front of <see cref="IdChain"/>, fitted apart so that it can be fitted beside the key chain.</summary>
    internal static TransformerChain<ITransformer> IdKeys(MLContext ml, Core.IdMap users, Core.IdMap items)
    {
        var t = ml.Transforms.Conversion;
        // maximumNumberOfKeys: ML.NET's default (10^6) would cap a catalog of more users; the id maps are the keys.
        var keys = t.MapValueToKey(UserIdColumn, maximumNumberOfKeys: Math.Max(1, users.Count), keyData: IdsView(users))
            .Append(t.MapValueToKey(ItemIdColumn, maximumNumberOfKeys: Math.Max(1, items.Count), keyData: IdsView(items)))
            .Fit(IdInput);
        return new TransformerChain<ITransformer>([.. keys]);
    }

    private static IDataView IdsView(Core.IdMap ids)
    {
        var text = new ReadOnlyMemory<char>[ids.Count];
        for (int i = 0; i < text.Length; i++) text[i] = ids.Memory(i);
        return DataViews.ColumnarDataView.Create(ids.Count).AddTextSlices("Id", text);
    }

    /// <summary>1 … n: the lookups' key column (ML.NET keys are 1-based).</summary>
    private static uint[] Keys(int n)
    {
        var keys = new uint[n];
        for (int k = 0; k < n; k++) keys[k] = (uint)k + 1;
        return keys;
    }
}
