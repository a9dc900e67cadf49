using BlairClip.ML.Core;
using BlairClip.ML.Text;
using BlairClip.ML.Tests.Conformance;
using FluentAssertions;

namespace BlairClip.ML.Tests.Text;

/// <summary>Parity with scikit-learn's <c>TfidfVectorizer(stop_words='english', max_features=N)</c> on the All_Beauty
/// item texts plus synthetic Unicode texts (golden from <c>Fixtures/tfidf/generate.py</c>).</summary>
public class TfIdfParityTests
{
    public static TheoryData<string> CaseNames => new(TfIdfFixture.Load().Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void FitTransform_FixtureCase_SameVocabularyIdfAndMatrixAsScikitLearn(string name)
    {
        var fixture = TfIdfFixture.Load();
        var golden = fixture.Cases.Single(c => c.Name == name);
        var data = TfIdfFeaturizerTests.Corpus(golden.Texts ?? fixture.Texts);

        var transformer = new BlairClipContext().Transforms.TfIdf(new() { MaxFeatures = golden.MaxFeatures }).Fit(data.ItemTable);
        var matrix = TestColumns.SparseValues(transformer.Transform(data.ItemTable), "Features");

        transformer.Vocabulary.Should().Equal(golden.Vocabulary);
        transformer.Idf.Length.Should().Be(golden.Idf.Length);
        for (int i = 0; i < golden.Idf.Length; i++)
            transformer.Idf[i].Should().BeApproximately(golden.Idf[i], 1e-6, "idf of '{0}'", golden.Vocabulary[i]);
        matrix.Dimension.Should().Be(golden.Vocabulary.Length);
        matrix.RowOffsets.Should().Equal(golden.Indptr);
        matrix.Indices.ToArray().Should().Equal(golden.Indices);
        for (int k = 0; k < golden.Data.Length; k++)
            ((double)matrix.Values[k]).Should().BeApproximately(golden.Data[k], 1e-6, "entry {0}", k);
    }
}
