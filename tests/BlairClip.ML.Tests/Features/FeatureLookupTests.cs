using BlairClip.ML.Core;
using BlairClip.ML.DataViews;
using BlairClip.ML.Features;
using BlairClip.ML.Tests.Conformance;
using FluentAssertions;

namespace BlairClip.ML.Tests.Features;

public class FeatureLookupTests
{
    private static RecDataset Data(params TestColumn[] columns) => TinyData.Small().With(columns);

    private static readonly float[] Raw = [3, 4, 0, 0, 1, 0, 0, 2, 5, 12];

    [Fact]
    public void Transform_Normalize_RenamesAndDividesRowsByNorm()
    {
        var data = Data(new DenseColumn("raw", 2, Raw), new Int32Column("raw_present", [1, 0, 1, 1, 1]));
        var estimator = new BlairClipContext().Transforms.FeatureLookup("raw", "Image", normalize: true);
        var lookup = estimator.Fit(data.ItemTable);
        var output = lookup.Transform(data.ItemTable);
        TestColumns.DenseValues(output, "Image").Should().Equal(0.6f, 0.8f, 0, 0, 1, 0, 0, 1, 5 / 13f, 12 / 13f);
        TestColumns.Int32Values(output, "Image_present").Should().Equal(1, 0, 1, 1, 1);
        TestColumns.DenseValues(output, "raw").Should().Equal(Raw, "the input column is left as it was");
        TestColumns.VectorSize(lookup.GetOutputSchema(data.ItemTable.Schema), "Image").Should().Be(2);
        DataViewColumns.Find(estimator.GetOutputSchema(SchemaShapes.Of(data.ItemTable.Schema)), "Image_present").Should().NotBeNull();
    }

    [Fact]
    public void Transform_SparseNormalize_DividesStoredValues()
    {
        var sparse = new SparseColumn("raw", 4, [3, 0, 0, 4, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0, 7, 0, 0, 0]);
        var output = new BlairClipContext().Transforms.FeatureLookup("raw", normalize: true).Fit(Data(sparse).ItemTable).Transform(Data(sparse).ItemTable);
        TestColumns.IsSparse(output, "raw").Should().BeTrue("a sparse column stays sparse");
        TestColumns.DenseValues(output, "raw").Should().Equal(0.6f, 0, 0, 0.8f, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0);
    }

    [Fact]
    public void GetOutputSchema_MissingOrScalarColumn_Refused()
    {
        var shape = SchemaShapes.Of(Data().ItemTable.Schema);
        var estimator = new BlairClipContext().Transforms.FeatureLookup("image_mobilenet", "Image");
        estimator.Invoking(e => e.GetOutputSchema(shape)).Should().Throw<SchemaMismatchException>().WithMessage("FeatureLookup needs column 'image_mobilenet'*");
        new BlairClipContext().Transforms.FeatureLookup("Title").Invoking(e => e.GetOutputSchema(shape))
            .Should().Throw<SchemaMismatchException>().WithMessage("*'Title' of kind Vector, but it is String*");
    }

    [Fact]
    public void Constructor_BlankColumn_NamesOption()
    {
        var act = () => new BlairClipContext().Transforms.FeatureLookup(" ");
        act.Should().Throw<InvalidOptionException>().WithMessage("`features_column` must name a column, but was ' '");
    }
}
