using BlairClip.ML.Core;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace BlairClip.Towers.Tests.Encoding;

/// <summary>Item steps applied to a test's <see cref="RecDataset"/> (fit and transform its item table).</summary>
public static class RecDatasetSteps
{
    public static T Fit<T>(this IEstimator<T> estimator, RecDataset data) where T : class, ITransformer => estimator.Fit(data.ItemTable);

    public static RecDataset Transform(this ITransformer transformer, RecDataset data) => data.WithItemTable(transformer.Transform(data.ItemTable));
}

/// <summary>Reads item columns back (public ML.NET API: cursors through <c>GetColumn</c>).</summary>
public static class TestColumns
{
    public static DenseRows DenseValues(IDataView view, string name) =>
        new(((VectorDataViewType)view.Schema[name].Type).Size, view.GetColumn<VBuffer<float>>(name).SelectMany(v => v.DenseValues()).ToArray());

    public static int[] Int32Values(IDataView view, string name) => view.GetColumn<int>(name).ToArray();
}

/// <summary>A dense vector column read back, row-major.</summary>
public sealed record DenseRows(int Dimension, float[] Values)
{
    public ReadOnlySpan<float> Row(int r) => Values.AsSpan(r * Dimension, Dimension);
    public float[] ToArray() => Values;
}
