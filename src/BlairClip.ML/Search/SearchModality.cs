using BlairClip.ML.Recommenders;

namespace BlairClip.ML.Search;

/// <summary>One space a model scores items in, as search sees it: the items' rows, the weight of this space in the
/// model's score, and for each query kind the encoders of the item columns whose sum (normalised) is the query's vector
/// here — or why that kind cannot be embedded.</summary>
public sealed class SearchModality
{
    private readonly float[] _inverseNorms;

    internal SearchModality(string name, ItemMatrix items, float weight, IReadOnlyDictionary<QueryKind, Func<string, float[]>> encoders,
        IReadOnlyDictionary<QueryKind, string> unsupported)
    {
        Name = name; Items = items; Weight = weight; Encoders = encoders; Unsupported = unsupported;
        _inverseNorms = new float[items.Rows];
        for (int r = 0; r < items.Rows; r++)
        {
            var row = items.Row(r);
            float norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot(row, row));
            _inverseNorms[r] = norm > 0 ? 1 / norm : 0;
        }
    }

    /// <summary>A space of dense item rows <c>[items, dimension]</c> (used by models in other assemblies).</summary>
    public static SearchModality Dense(string name, float[] rows, int dimension, float weight,
        IReadOnlyDictionary<QueryKind, Func<string, float[]>> encoders, IReadOnlyDictionary<QueryKind, string> unsupported) =>
        new(name, ItemMatrix.FromDense(dimension, rows), weight, encoders, unsupported);

    public string Name { get; }
    internal ItemMatrix Items { get; }
    public float Weight { get; }
    public IReadOnlyDictionary<QueryKind, Func<string, float[]>> Encoders { get; }
    public IReadOnlyDictionary<QueryKind, string> Unsupported { get; }
    public int Dimension => Items.Dimension;
    public int Rows => Items.Rows;
    /// <summary>Dense rows, unit length (zero rows stay zero), for an ANN index.</summary>
    public float[] UnitRows()
    {
        var dense = Items.ToDense();
        for (int r = 0; r < Rows; r++)
            System.Numerics.Tensors.TensorPrimitives.Multiply(dense.AsSpan(r * Dimension, Dimension), _inverseNorms[r], dense.AsSpan(r * Dimension, Dimension));
        return dense;
    }

    /// <summary>The cosine of <paramref name="query"/> (unit length) with item <paramref name="item"/>.</summary>
    public float Cosine(int item, ReadOnlySpan<float> query) => Items.Score(item, query) * _inverseNorms[item];

    /// <summary>Cosines of <paramref name="query"/> (unit length) with every item, into <paramref name="scores"/>.</summary>
    public void Cosines(float[] query, Span<float> scores)
    {
        Items.MultiplyRows(query, 1, scores);
        System.Numerics.Tensors.TensorPrimitives.Multiply(scores, _inverseNorms, scores);
    }
}
