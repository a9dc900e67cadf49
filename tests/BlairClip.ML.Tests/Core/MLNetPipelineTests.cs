using BlairClip.ML.Core;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Tests.Conformance;
using BlairClip.ML.Text;
using FluentAssertions;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace BlairClip.ML.Tests.Core;

/// <summary>Our estimators inside ML.NET's own pipelines (<c>EstimatorChain</c>), next to ML.NET's transforms.</summary>
public sealed class MLNetPipelineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("blairclip-mlnet-chain").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void TfIdf_BetweenMLNetTextTransforms_InAnMLNetEstimatorChain()
    {
        var ml = new MLContext(seed: 1);
        var bc = ml.BlairClip();
        var items = TinyData.Small().ItemTable;
        var chain = ml.Transforms.Text.NormalizeText("Clean", "Text", keepPunctuations: false)
            .Append(bc.Transforms.TfIdf(new TfIdfOptions { InputColumn = "Clean", OutputColumn = "Tfidf" }))
            .Append(ml.Transforms.NormalizeLpNorm("Unit", "Tfidf"));
        var fitted = chain.Fit(items);
        var output = fitted.Transform(items);
        // GetColumn reuses one buffer for vector rows: consume each row before the next.
        var norms = output.GetColumn<VBuffer<float>>("Unit").Select(r => r.DenseValues().Sum(v => v * v)).ToList();
        norms.Should().HaveCount(5).And.OnlyContain(n => Math.Abs(n - 1f) < 1e-5f);
        fitted.LastTransformer.Should().NotBeNull();
        // ML.NET cannot write our TF-IDF state; the refusal says where it can be saved.
        FluentActions.Invoking(() => ml.Model.Save(fitted, items.Schema, Path.Combine(_dir, "tfidf.zip")))
            .Should().Throw<NotSupportedException>().WithMessage("TfIdfTransformer cannot be written by MLContext.Model.Save*ModelArchive.Save*");
        // (ML.NET itself leaves the partly written file behind; our ModelArchive writes through a temporary file.)
    }

    [Fact]
    public void Bpr_AsLastStepOfAnMLNetChain_SavedByMLNet_LoadsInAFreshContext_SameScores()
    {
        var ml = new MLContext(seed: 1);
        var data = TinyData.Small();
        var interactions = data.InteractionsView;
        var chain = ml.Transforms.CopyColumns("Copied", RecDataset.TimestampColumn)
            .Append(ml.BlairClip().Recommenders.Bpr(new BprOptions { Factors = 4, Epochs = 3, Threads = 1 }));
        var fitted = chain.Fit(interactions);
        var expected = fitted.Transform(interactions).GetColumn<float>("Score").ToArray();
        var batched = new float[data.Users.Count * data.Items.Count];
        fitted.LastTransformer.Score(Enumerable.Range(0, data.Users.Count).Select(u => new UserQuery(u, data.TrainHistories.Memory(u))).ToArray(), batched);
        for (int k = 0; k < data.Train.Count; k++)
            expected[k].Should().Be(batched[data.Train.User[k] * data.Items.Count + data.Train.Item[k]]);

        var path = Path.Combine(_dir, "bpr.zip");
        ml.Model.Save(fitted, interactions.Schema, path);
        var fresh = new MLContext();
        var loaded = fresh.Model.Load(path, out var schema);
        schema.Select(c => c.Name).Should().Contain([RecDataset.UserIdColumn, RecDataset.ItemIdColumn]);
        loaded.Transform(interactions).GetColumn<float>("Score").ToArray().Should().Equal(expected);
    }
}
