using BlairClip.ML.Core;
using BlairClip.ML.Evaluation;
using BlairClip.ML.Experiments;
using BlairClip.ML.Experiments.Yaml;
using BlairClip.ML.Models;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Tests.Conformance;
using BlairClip.ML.Text;
using FluentAssertions;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace BlairClip.ML.Tests;

/// <summary>README's "Using the library" code, compiled and run here; the test fails when README's copy differs.</summary>
public sealed class ReadmeExampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("blairclip-readme").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void UsingTheLibrary_RunsAndMatchesTheQuickstart()
    {
        {
            var studyFile = Path.Combine(RepoPaths.Root, "experiments", "quickstart.yaml");
            var zip = Path.Combine(_dir, "tfidf.zip");
            // README: using the library
            var mlContext = new MLContext(seed: 42);
            var bc = mlContext.BlairClip(seed: 42);                  // BlairClip.ML's catalogs hang off MLContext
            var study = StudyData.Prepare(SpecDocument.Load(studyFile), new StageTimes());   // e.g. experiments/quickstart.yaml
            RecDataset train = study.Train;                          // item table + key-typed interactions, both IDataViews

            // Item steps are ML.NET estimators over the item table, ours and ML.NET's alike; the recommender is last.
            var pipeline = new RecommenderPipeline(
                [bc.Transforms.TfIdf(new TfIdfOptions { MaxFeatures = 5000 })],
                bc.Recommenders.ContentProfile());
            var fitted = pipeline.Fit(train);                        // every step's schema is checked before fitting
            var result = bc.Evaluation.Ranking(study.Spec.Evaluation)
                .Evaluate(fitted.Recommender, study.Split.Test, study.TestHistories);

            // Recommenders alone are ML.NET estimators on the interactions, shaped like ML.NET's MatrixFactorization:
            // UInt32 keys UserId and ItemId in, Score out.
            var bpr = bc.Recommenders.Bpr(new BprOptions { Factors = 16, Epochs = 5, Threads = 1 }).Fit(train.InteractionsView);
            IDataView scored = bpr.Transform(train.InteractionsView);

            // A saved model is an ML.NET zip: plain ML.NET loads and scores it from text ids.
            bc.Models.Save(new RecommenderModel("TF-IDF", "tfidf", fitted, train.Users, train.Items,
                StudyRunner.Titles(study), study.TestHistories), zip);
            ITransformer loaded = mlContext.Model.Load(zip, out DataViewSchema inputSchema);  // UserId, ItemId (text) → Score
            // README end

            result.Metrics["NDCG@10"].Should().BeApproximately(0.0431, 5e-5, "the quickstart's TF-IDF row");
            scored.GetColumn<float>("Score").Should().HaveCount(train.Train.Count).And.OnlyContain(s => float.IsFinite(s));
            inputSchema.Select(c => c.Name).Should().Equal("UserId", "ItemId");
            loaded.Should().NotBeNull();
        }

        var source = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "BlairClip.ML.Tests", "ReadmeExampleTests.cs"));
        var code = Between(source, "// README: using the library\n", "            // README end");
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        readme.Should().Contain("```csharp\n" + Dedent(code) + "```", "README's 'Using the library' must be this test's code");
    }

    internal static string Between(string text, string start, string end)
    {
        int a = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[a..text.IndexOf(end, a, StringComparison.Ordinal)];
    }

    internal static string Dedent(string code) =>
        string.Concat(code.Split('\n').Select(l => (l.Length >= 12 ? l[12..] : l.TrimStart()) + "\n")).TrimEnd('\n') + "\n";
}
