using BlairClip.ML.Core;
using BlairClip.ML.Data;
using BlairClip.ML.IO;
using BlairClip.ML.Models;
using BlairClip.ML.Tests.Conformance;
using BlairClip.ML.Text;
using FluentAssertions;

namespace BlairClip.ML.Tests.Text;

public class TfIdfFeaturizerTests
{
    internal static RecDataset Corpus(params string[] texts) =>
        TinyData.Build([("u1", "i0")], texts.Select((t, i) => (Id: $"i{i}", Text: t)).ToDictionary(p => p.Id, p => p.Text));

    private static TfIdfTransformer Fit(TfIdfOptions options, params string[] texts) =>
        new BlairClipContext().Transforms.TfIdf(options).Fit(Corpus(texts).ItemTable);

    [Fact]
    public void Fit_TinyCorpus_SmoothIdfAndSortedVocabulary()
    {
        var t = Fit(new TfIdfOptions(), "red lipstick red", "red gloss", "blue gloss");
        t.Vocabulary.Should().Equal("blue", "gloss", "lipstick", "red");
        // n = 3 texts; df: blue 1, gloss 2, lipstick 1, red 2.
        t.Idf.ToArray().Should().Equal(
            Math.Log((1 + 3.0) / (1 + 1)) + 1, Math.Log((1 + 3.0) / (1 + 2)) + 1,
            Math.Log((1 + 3.0) / (1 + 1)) + 1, Math.Log((1 + 3.0) / (1 + 2)) + 1);
    }

    [Fact]
    public void Transform_TinyCorpus_CountsTimesIdfL2Normalised()
    {
        var data = Corpus("red lipstick red", "red gloss", "the of and");
        var t = new BlairClipContext().Transforms.TfIdf().Fit(data.ItemTable);
        var column = TestColumns.SparseValues(t.Transform(data.ItemTable), "Features");
        double idfLipstick = Math.Log(4.0 / 2) + 1, idfRed = Math.Log(4.0 / 3) + 1;
        double norm = Math.Sqrt(idfLipstick * idfLipstick + (2 * idfRed) * (2 * idfRed));
        column.Dimension.Should().Be(3); // gloss, lipstick, red
        column.RowIndices(0).ToArray().Should().Equal(1, 2);
        column.RowValues(0)[0].Should().BeApproximately((float)(idfLipstick / norm), 1e-7f);
        column.RowValues(0)[1].Should().BeApproximately((float)(2 * idfRed / norm), 1e-7f);
        column.RowIndices(2).Length.Should().Be(0, "a text of stop words only stays an all-zero row");
    }

    [Fact]
    public void Transform_SublinearTf_UsesOnePlusLogCount()
    {
        var data = Corpus("red red red lipstick", "gloss");
        var t = new BlairClipContext().Transforms.TfIdf(new() { SublinearTf = true }).Fit(data.ItemTable);
        var row = TestColumns.SparseValues(t.Transform(data.ItemTable), "Features").RowValues(0);
        double idf = Math.Log(3.0 / 2) + 1; // both terms: df 1 of 2 texts
        double lipstick = 1 * idf, red = (1 + Math.Log(3)) * idf, norm = Math.Sqrt(lipstick * lipstick + red * red);
        row.ToArray().Should().Equal([(float)(lipstick / norm), (float)(red / norm)]);
    }

    [Theory]
    // tf: aa 1, bb 2, cc 2, dd 1. Fewer than 17 terms: NumPy's argsort is an insertion sort, stable, so ties keep
    // alphabetical order.
    [InlineData(1, new[] { "bb" })]
    [InlineData(2, new[] { "bb", "cc" })]
    [InlineData(3, new[] { "aa", "bb", "cc" })]
    [InlineData(9, new[] { "aa", "bb", "cc", "dd" })]
    public void Fit_MaxFeatures_KeepsHighestTotalCountTiesAsNumPy(int maxFeatures, string[] expected) =>
        Fit(new TfIdfOptions { MaxFeatures = maxFeatures }, "dd cc bb", "bb cc aa").Vocabulary.Should().Equal(expected);

    [Fact]
    public void Fit_MinDf_DropsRareTerms() =>
        Fit(new TfIdfOptions { MinDf = 2 }, "red lipstick", "red gloss", "blue gloss").Vocabulary.Should().Equal("gloss", "red");

    [Fact]
    public void Fit_OnlyStopWords_ThrowsEmptyVocabulary() =>
        FluentActions.Invoking(() => Fit(new TfIdfOptions(), "the of", "and a"))
            .Should().Throw<InvalidOperationException>().WithMessage("*empty vocabulary*'Text'*");

    [Fact]
    public void Fit_MinDfAboveEveryDf_ThrowsNoTermsRemain() =>
        FluentActions.Invoking(() => Fit(new TfIdfOptions { MinDf = 3 }, "red", "red gloss"))
            .Should().Throw<InvalidOperationException>().WithMessage("*no terms remain*min_df = 3*");

    public static TheoryData<TfIdfOptions, string> BadOptions => new()
    {
        { new TfIdfOptions { MaxFeatures = 0 }, "max_features" },
        { new TfIdfOptions { MinDf = 0 }, "min_df" },
        { new TfIdfOptions { InputColumn = "" }, "input_column" },
        { new TfIdfOptions { OutputColumn = " " }, "output_column" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Constructor_BadOption_ThrowsNamingIt(TfIdfOptions options, string option) =>
        FluentActions.Invoking(() => new BlairClipContext().Transforms.TfIdf(options))
            .Should().Throw<InvalidOptionException>().Which.Option.Should().Be(option);

    [Fact]
    public void GetOutputSchema_NoTextColumn_ThrowsSchemaMismatch()
    {
        var schema = BlairClip.ML.DataViews.SchemaShapes.Of(TinyData.Small().Without(ItemColumns.Text).ItemTable.Schema);
        FluentActions.Invoking(() => new BlairClipContext().Transforms.TfIdf().GetOutputSchema(schema))
            .Should().Throw<SchemaMismatchException>().WithMessage("*'Text'*");
    }

    [Fact]
    public void SaveLoad_RoundTrip_SameVocabularyIdfAndOptions()
    {
        var t = Fit(new TfIdfOptions { MaxFeatures = 3, SublinearTf = true }, "naïve café ｗ𝐱", "café crème brûlée", "crème");
        var save = new EntryWriter();
        t.SaveEntry(save);
        var tensors = SafeTensorsFile.Parse(save.Tensors.ToArray(), "memory");
        var loaded = TfIdfTransformer.LoadEntry(new EntryReader("entry/", 1, save.Properties, tensors));
        loaded.Vocabulary.Should().Equal(t.Vocabulary);
        loaded.Idf.ToArray().Should().Equal(t.Idf.ToArray());
        loaded.Options.Should().Be(t.Options);
    }
}
