using BlairClip.ML.Core;
using BlairClip.ML.Data;
using BlairClip.ML.Features;
using BlairClip.ML.IO;
using BlairClip.ML.Tests.Conformance;
using BlairClip.ML.Tests.Data;
using FluentAssertions;

namespace BlairClip.ML.Tests.Features;

public sealed class ItemFeatureLoaderTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>The Small catalog: items a, b, c, d, e (indices 0..4).</summary>
    private static LoadedData Catalog()
    {
        var d = TinyData.Small();
        return new LoadedData(d.Users, d.Items, (BlairClip.ML.DataViews.ColumnarDataView)d.ItemTable, d.Train, new DataReport());
    }

    private LoadedData Attach(ItemFeatureSpec spec) => ItemFeatureLoader.Attach(Catalog(), [spec], _files.Dir);

    [Fact]
    public void Attach_Csv_AlignsRowsByIdZeroFillsMissingCountsBoth()
    {
        // Rows for c, a, e and the unknown id zz; b and d have none.
        _files.Write("f.csv", "id,x,y", "c,3,30", "a,1,10", "zz,9,9", "e,5,50");
        var data = Attach(new ItemFeatureSpec { Name = "emb", Path = "f.csv" });

        TestColumns.VectorSize(data.ItemTable.Schema, "emb").Should().Be(2);
        TestColumns.DenseValues(data.ItemTable, "emb").Should().Equal(1, 10, 0, 0, 3, 30, 0, 0, 5, 50);
        TestColumns.Int32Values(data.ItemTable, "emb_present").ToArray().Should().Equal(1, 0, 1, 0, 1);
        data.Report.Get("item_features.emb.rows").Should().Be(4);
        data.Report.Get("item_features.emb.dimension").Should().Be(2);
        data.Report.Get("item_features.emb.matched_items").Should().Be(3);
        data.Report.Get("item_features.emb.missing_items").Should().Be(2);
        data.Report.Get("item_features.emb.unknown_ids").Should().Be(1);
    }

    [Fact]
    public void Attach_CsvWithoutHeader_FirstLineIsData()
    {
        _files.Write("f.csv", "b,2", "d,4");
        var data = Attach(new ItemFeatureSpec { Name = "emb", Path = "f.csv" });
        TestColumns.DenseValues(data.ItemTable, "emb").ToArray().Should().Equal(0, 2, 0, 4, 0);
    }

    [Fact]
    public void Attach_CsvLineOfWrongWidth_ErrorNamesFileAndLine()
    {
        _files.Write("f.csv", "id,x,y", "a,1,2", "b,3");
        var act = () => Attach(new ItemFeatureSpec { Name = "emb", Path = "f.csv" });
        act.Should().Throw<DataFormatException>().WithMessage("f.csv line 3: expected 2 values (as on the first data line), but found 1");
    }

    [Fact]
    public void Attach_CsvValueNotANumber_ErrorNamesLineAndColumn()
    {
        _files.Write("f.csv", "a,1,x2");
        var act = () => Attach(new ItemFeatureSpec { Name = "emb", Path = "f.csv" });
        act.Should().Throw<DataFormatException>().WithMessage("f.csv line 1: value 2 must be a number, but was 'x2' (column 5)");
    }

    [Fact]
    public void Attach_DuplicateId_ErrorNamesBothLines()
    {
        _files.Write("f.csv", "id,x", "a,1", "b,2", "a,3");
        var act = () => Attach(new ItemFeatureSpec { Name = "emb", Path = "f.csv" });
        act.Should().Throw<DataFormatException>().WithMessage("f.csv line 4: item id 'a' appears twice (first on line 2)");
    }

    private void WriteSafeTensors(string name, int rows, int dim, string tensor = "features")
    {
        var values = Enumerable.Range(0, rows * dim).Select(i => (float)i).ToArray();
        new SafeTensorsWriter().Add<float>(tensor, values, rows, dim).Save(Path.Combine(_files.Dir, name));
    }

    [Fact]
    public void Attach_SafeTensorsWithIds_RowIOfTensorIsLineI()
    {
        WriteSafeTensors("f.safetensors", 3, 2);
        _files.Write("f.ids.txt", "e", "a", "nope");
        var data = Attach(new ItemFeatureSpec { Name = "img", Path = "f.safetensors", Ids = "f.ids.txt", Tensor = "features" });
        TestColumns.DenseValues(data.ItemTable, "img").ToArray().Should().Equal(2, 3, 0, 0, 0, 0, 0, 0, 0, 1);
        data.Report.Get("item_features.img.missing_items").Should().Be(3);
        data.Report.Get("item_features.img.unknown_ids").Should().Be(1);
    }

    [Fact]
    public void Attach_SafeTensorsUnknownTensor_ErrorListsTensors()
    {
        WriteSafeTensors("f.safetensors", 1, 2);
        _files.Write("f.ids.txt", "a");
        var act = () => Attach(new ItemFeatureSpec { Name = "img", Path = "f.safetensors", Ids = "f.ids.txt", Tensor = "embeddings" });
        act.Should().Throw<ArgumentException>().WithMessage("*'tensor' is 'embeddings', but f.safetensors holds only features*");
    }

    [Fact]
    public void Attach_IdsCountDiffersFromRows_ErrorNamesIdsFile()
    {
        WriteSafeTensors("f.safetensors", 3, 2);
        _files.Write("f.ids.txt", "a", "b");
        var act = () => Attach(new ItemFeatureSpec { Name = "img", Path = "f.safetensors", Ids = "f.ids.txt" });
        act.Should().Throw<DataFormatException>().WithMessage("f.ids.txt line 2: the ids file has 2 ids, but f.safetensors has 3 rows");
    }

    [Fact]
    public void Attach_NpyWithIds_Read()
    {
        File.WriteAllBytes(Path.Combine(_files.Dir, "f.npy"), NpyReaderTests.Npy("<f4", false, "(2, 2)", NpyReaderTests.F4(1, 2, 3, 4)));
        _files.Write("f.ids.txt", "d", "b");
        var data = Attach(new ItemFeatureSpec { Name = "img", Path = "f.npy", Ids = "f.ids.txt" });
        TestColumns.DenseValues(data.ItemTable, "img").ToArray().Should().Equal(0, 0, 3, 4, 0, 0, 1, 2, 0, 0);
        TestColumns.Int32Values(data.ItemTable, "img_present").ToArray().Should().Equal(0, 1, 0, 1, 0);
    }

    [Fact]
    public void Attach_BinaryWithoutIds_ErrorNamesKey()
    {
        WriteSafeTensors("f.safetensors", 1, 2);
        var act = () => Attach(new ItemFeatureSpec { Name = "img", Path = "f.safetensors" });
        act.Should().Throw<ArgumentException>().WithMessage("item_features 'img': 'f.safetensors' needs an 'ids' file*");
    }

    [Fact]
    public void Attach_NameOfExistingColumn_Refused()
    {
        _files.Write("f.csv", "a,1");
        var act = () => Attach(new ItemFeatureSpec { Name = ItemColumns.Title, Path = "f.csv" });
        act.Should().Throw<ArgumentException>().WithMessage("*'name' is 'Title', but the item table already has that column*");
    }
}
