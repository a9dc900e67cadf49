using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using BlairClip.ML.Recommenders;

namespace BlairClip.ML.Models;

/// <summary>Input row of <see cref="FactoredScoreMapping"/>: the looked-up vectors of one (user, item) pair.</summary>
public sealed class FactoredScoreInput
{
    /// <summary>The user's vector over all parts (empty: the user is not in the model).</summary>
    public VBuffer<float> UserVector;
    /// <summary>The item's vector over all parts (empty: the item is not in the model).</summary>
    public VBuffer<float> ItemVector;
    /// <summary>Added after the products (−∞: never recommended).</summary>
    public float ItemBias;
    /// <summary>Per part: its dimension and 1 if it is scored sparse (0: dense).</summary>
    public VBuffer<float> ItemSegments;
}

/// <summary>Output row of <see cref="FactoredScoreMapping"/>.</summary>
public sealed class FactoredScoreOutput
{
    /// <summary>The recommender's score; NaN when the user or the item is not in the model.</summary>
    public float Score;
}

/// <summary>The one piece of code in a model zip's ML.NET chain that is ours: <c>Score = Σ_m u_m · x_m + bias</c> over
/// the parts listed in <c>ItemSegments</c>, each product by the kernel the recommender's batched scorer uses
/// (<see cref="ItemMatrix.DotDense"/> or <see cref="ItemMatrix.DotSparse"/>), so it reproduces the evaluator's score
/// bit for bit. Stateless: all learned state is in the chain's <c>MapValue</c> lookups. The zip records this
/// contract name and this assembly; ML.NET finds the factory on load through
/// <see cref="CustomMappingFactoryAttributeAttribute"/>, with no registration call.</summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class FactoredScoreMapping : CustomMappingFactory<FactoredScoreInput, FactoredScoreOutput>
{
    public const string ContractName = "BlairClip.FactoredScore";

    [ThreadStatic] private static float[]? _user, _item;

    public override Action<FactoredScoreInput, FactoredScoreOutput> GetMapping() => Map;

    /// <summary>Scores one pair (see the class summary).</summary>
    public static void Map(FactoredScoreInput input, FactoredScoreOutput output)
    {
        int dim = input.ItemVector.Length;
        if (input.UserVector.Length == 0 || dim == 0 || input.ItemSegments.Length == 0 || input.UserVector.Length != dim)
        {
            output.Score = float.NaN;
            return;
        }
        var user = input.UserVector.IsDense ? input.UserVector.GetValues() : Densify(input.UserVector, ref _user);
        bool itemIsDense = input.ItemVector.IsDense;
        var itemValues = input.ItemVector.GetValues();
        var itemIndices = input.ItemVector.GetIndices();
        ReadOnlySpan<float> itemDense = itemIsDense ? itemValues : default;
        var segments = input.ItemSegments.DenseValues().ToArray();
        float score = 0;
        int offset = 0, entry = 0;
        for (int m = 0; m + 1 < segments.Length; m += 2)
        {
            int width = (int)segments[m];
            bool sparse = segments[m + 1] != 0;
            if (sparse && itemIsDense)
            {
                // Every entry happens to be stored (VBuffer calls a full sparse vector dense): the same sum over the
                // entries in index order; zeros add nothing.
                float sum = 0;
                for (int d = offset; d < offset + width; d++) sum += itemValues[d] * user[d];
                score += sum;
            }
            else if (sparse)
            {
                int first = entry;
                while (entry < itemIndices.Length && itemIndices[entry] < offset + width) entry++;
                score += ItemMatrix.DotSparse(itemIndices[first..entry], itemValues[first..entry], user);
            }
            else
            {
                if (itemDense.IsEmpty) itemDense = Densify(input.ItemVector, ref _item);
                score += ItemMatrix.DotDense(itemDense.Slice(offset, width), user.Slice(offset, width));
                while (entry < itemIndices.Length && itemIndices[entry] < offset + width) entry++;
            }
            offset += width;
        }
        output.Score = score + input.ItemBias;
    }

    /// <summary>Sparse <paramref name="vector"/> written densely into the thread-local <paramref name="scratch"/>.</summary>
    private static ReadOnlySpan<float> Densify(in VBuffer<float> vector, ref float[]? scratch)
    {
        if (scratch is null || scratch.Length < vector.Length) scratch = new float[vector.Length];
        var dense = scratch.AsSpan(0, vector.Length);
        dense.Clear();
        var values = vector.GetValues();
        var indices = vector.GetIndices();
        for (int k = 0; k < values.Length; k++) dense[indices[k]] = values[k];
        return dense;
    }
}
