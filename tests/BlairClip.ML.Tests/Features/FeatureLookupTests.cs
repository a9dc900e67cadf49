using BlairClip.ML.Core;
using BlairClip.ML.Features;
using BlairClip.ML.Tests.Conformance;
using FluentAssertions;

namespace BlairClip.ML.Tests.Features;

public class FeatureLookupTests
{
    private static RecDataset Data(params DataColumn[] columns)
    {
        var data = TinyData.Small();
        var table = data.ItemTable;
        foreach (var c in columns) table = table.WithColumn(c);
        return data.WithItemTable(table);
    }

    private static readonly float[] Raw = [3, 4, 0, 0, 1, 0, 0, 2, 5, 12];

    [Fact]
    public void Transform_Normalize_RenamesAndDividesRowsByNorm()
    {
        var data = Data(new DenseVectorColumn("raw", 2, Raw), new ScalarColumn<int>("raw_present", [1, 0, 1, 1, 1]));
        var lookup = new BlairClipContext().Transforms.FeatureLookup("raw", "Image", normalize: true).Fit(data);
        var output = lookup.Transform(data).ItemTable;
        output.GetColumn<DenseVectorColumn>("Image").Values.ToArray().Should().Equal(0.6f, 0.8f, 0, 0, 1, 0, 0, 1, 5 / 13f, 12 / 13f);
        output.GetColumn<ScalarColumn<int>>("Image_present").Values.ToArray().Should().Equal(1, 0, 1, 1, 1);
        output.GetColumn<DenseVectorColumn>("raw").Values.ToArray().Should().Equal(Raw, "the input column is left as it was");
        lookup.GetOutputSchema(data.Schema).Items.TryGetColumn("Image", out var col).Should().BeTrue();
        col.Type.Should().Be(ColumnType.DenseVector(2));
    }

    [Fact]
    public void Transform_SparseNormalize_DividesStoredValues()
    {
        var sparse = new SparseVectorColumn("raw", 4, [0, 2, 2, 3, 4, 5], [0, 3, 1, 2, 0], [3, 4, 2, 1, 7]);
        var output = new BlairClipContext().Transforms.FeatureLookup("raw", normalize: true).Fit(Data(sparse)).Transform(Data(sparse));
        output.ItemTable.GetColumn<SparseVectorColumn>("raw").Values.ToArray().Should().Equal(0.6f, 0.8f, 1, 1, 1);
    }

    [Fact]
    public void GetOutputSchema_MissingOrScalarColumn_Refused()
    {
        var estimator = new BlairClipContext().Transforms.FeatureLookup("image_mobilenet", "Image");
        estimator.Invoking(e => e.GetOutputSchema(Data().Schema)).Should().Throw<SchemaMismatchException>().WithMessage("FeatureLookup needs column 'image_mobilenet'*");
        new BlairClipContext().Transforms.FeatureLookup("Title").Invoking(e => e.GetOutputSchema(Data().Schema))
            .Should().Throw<SchemaMismatchException>().WithMessage("*'Title' of kind DenseVector or SparseVector, but it is Text*");
    }

    [Fact]
    public void Constructor_BlankColumn_NamesOption()
    {
        var act = () => new BlairClipContext().Transforms.FeatureLookup(" ");
        act.Should().Throw<InvalidOptionException>().WithMessage("`features_column` must name a column, but was ' '");
    }
}
