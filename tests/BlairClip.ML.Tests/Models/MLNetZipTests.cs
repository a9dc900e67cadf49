using System.Diagnostics;
using System.Reflection;
using BlairClip.ML.Core;
using BlairClip.ML.Evaluation;
using BlairClip.ML.Experiments;
using BlairClip.ML.Experiments.Yaml;
using BlairClip.ML.Models;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Tests.Conformance;
using BlairClip.ML.Tests.Experiments;
using FluentAssertions;
using Microsoft.ML;
using MLTransformer = Microsoft.ML.ITransformer;

namespace BlairClip.ML.Tests.Models;

/// <summary>Every quickstart model zip is an ML.NET zip: a separate plain ML.NET program loads it and scores every
/// (user, item) pair with exactly the evaluator's scores.</summary>
public sealed class MLNetZipTests(QuickstartFixture run) : IClassFixture<QuickstartFixture>
{
    private static readonly string Consumer = typeof(MLNetZipTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "NetConsumer").Value!;

    public static TheoryData<string> Models => new() { "Popularity", "TF-IDF", "BPR-MF", "ML.NET-Text" };

    [Theory]
    [MemberData(nameof(Models))]
    public void PlainMLNetProgram_ScoresEveryPair_BitForBitAsTheEvaluator(string name)
    {
        var zip = Path.Combine(run.Output, "models", name + ".zip");
        var model = ModelArchive.Load(zip);
        var mlnet = RunConsumer(zip, model.Users.Ids, model.Items.Ids);
        int users = model.Users.Count, items = model.Items.Count;
        (users, items).Should().Be((253, 356));

        var expected = EvaluatorScores(model.Recommender, model.Histories);
        int differ = 0;
        for (int k = 0; k < expected.Length; k++)
            if (BitConverter.SingleToInt32Bits(expected[k]) != BitConverter.SingleToInt32Bits(mlnet[k]) && !(expected[k] == 0 && mlnet[k] == 0)) differ++;
        differ.Should().Be(0, $"{name}: every one of {users * items} pairs must score as the evaluator scores it");

        // And the table: the shared evaluator ranking the plain ML.NET scores reproduces the model's row exactly.
        var study = StudyData.Prepare(SpecDocument.Load(Path.Combine(RepoPaths.Root, "experiments", "quickstart.yaml")), new StageTimes());
        var again = new BlairClipContext().Evaluation.Ranking(study.Spec.Evaluation)
            .Evaluate(new FixedScores(mlnet, items), study.Split.Test, study.TestHistories);
        again.Metrics.Should().Equal(run.Outcome.Result.Models.Single(m => m.Name == name).Evaluation.Metrics);
    }

    [Fact]
    public void InProcess_PredictionEngine_UnknownUserOrItem_IsNaN_AndKnownPairMatches()
    {
        var zip = Path.Combine(run.Output, "models", "BPR-MF.zip");
        var model = ModelArchive.Load(zip);
        var ml = new MLContext();
        MLTransformer chain = ml.Model.Load(zip, out var schema);
        schema.Select(c => c.Name).Should().Equal(MLNetScoring.UserIdColumn, MLNetScoring.ItemIdColumn);
        chain.GetOutputSchema(schema).Where(c => !c.IsHidden).Select(c => c.Name).Should().Equal(MLNetScoring.UserIdColumn, MLNetScoring.ItemIdColumn, MLNetScoring.ScoreColumn);
        var engine = ml.Model.CreatePredictionEngine<Pair, Scored>(chain, schema);
        var expected = EvaluatorScores(model.Recommender, model.Histories);
        engine.Predict(new Pair { UserId = model.Users[7], ItemId = model.Items[11] }).Score.Should().Be(expected[7 * model.Items.Count + 11]);
        float.IsNaN(engine.Predict(new Pair { UserId = "no-such-user", ItemId = model.Items[0] }).Score).Should().BeTrue();
        float.IsNaN(engine.Predict(new Pair { UserId = model.Users[0], ItemId = "no-such-item" }).Score).Should().BeTrue();
    }

    /// <summary>Dense float factors are stored (deflate would grow them); ids, titles, histories and ML.NET's vocabularies
    /// are deflated.</summary>
    [Fact]
    public void ModelZip_StoresDenseFloats_DeflatesTheRest()
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(Path.Combine(run.Output, "models", "BPR-MF.zip"));
        bool Stored(string name) => zip.GetEntry(name)!.CompressedLength == zip.GetEntry(name)!.Length;
        Stored("transformers/00-BprMatrixFactorization/tensors.safetensors").Should().BeTrue();
        foreach (var name in new[] { "users.txt", "items.tsv", "catalog.safetensors", "model.json" })
            Stored(name).Should().BeFalse(name);
        zip.Entries.Where(e => e.FullName.EndsWith("Model.key", StringComparison.Ordinal)).Should().NotBeEmpty()
            .And.AllSatisfy(e => e.CompressedLength.Should().BeLessThan(e.Length, e.FullName));
    }

    /// <summary>README's "Serving a zip from C#" is the consumer program's code.</summary>
    [Fact]
    public void ReadmeServingSnippet_IsTheConsumersCode()
    {
        var program = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "BlairClip.ML.NetConsumer", "Program.cs"));
        var code = ReadmeExampleTests.Between(program, "// README: serving a model zip\n", "// README end")
            + "\n" + ReadmeExampleTests.Between(program, "// README: serving types\n", "// README end");
        File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).Should().Contain("```csharp\n" + code.TrimEnd('\n') + "\n```");
    }

    /// <summary>Embedding concat over a sparse and two dense columns (dimensions off the 8-lane width), one item
    /// skipped (−∞), one modality of weight 0 (left out): ML.NET loads the zip in a fresh context and scores every
    /// pair bit for bit as <see cref="IRecommender.Score"/>.</summary>
    [Theory]
    [InlineData(EmbeddingMode.Concat)]
    [InlineData(EmbeddingMode.Combined)]
    public void EmbeddingModes_SparseDenseSkipped_ScoreBitForBit(EmbeddingMode mode)
    {
        var rng = new Random(5);
        const int items = 40;
        float[] Dense(int dim) => Enumerable.Range(0, items * dim).Select(_ => (float)rng.NextDouble() - 0.3f).ToArray();
        var sparseDense = Dense(37);
        for (int k = 0; k < sparseDense.Length; k++) if (rng.NextDouble() < 0.8) sparseDense[k] = 0;
        var ids = Enumerable.Range(0, items).Select(i => $"i{i}").ToArray();
        var pairs = Enumerable.Range(0, 120).Select(k => ($"u{k % 25}", ids[rng.Next(items)])).ToList();
        var data = TinyData.Build(pairs, ids.ToDictionary(i => i, i => "text " + i));
        var presence = Enumerable.Repeat(1, items).ToArray();
        presence[6] = 0;
        data = data.With(new SparseColumn("S", 37, sparseDense), new DenseColumn("D", 21, Dense(21)), new DenseColumn("E", 21, Dense(21)),
            new DenseColumn("Z", 3, Dense(3)), new Int32Column(BlairClip.ML.Features.ItemFeatureLoader.PresenceColumn("D"), presence));
        var options = mode == EmbeddingMode.Concat
            ? new EmbeddingRecommenderOptions { Mode = mode, Columns = ["S", "D", "Z"], Weights = [0.6f, 0.4f, 0f], Missing = MissingFeatures.Skip }
            : new EmbeddingRecommenderOptions { Mode = mode, TextColumn = "D", ImageColumn = "E", Missing = MissingFeatures.Skip };
        var chain = new RecommenderPipeline([], new BlairClipContext().Recommenders.Embedding(options)).Fit(data);
        var model = new RecommenderModel("Emb", "embedding", chain, data.Users, data.Items, ids, data.TrainHistories);
        var dir = Directory.CreateTempSubdirectory("blairclip-mlnet-emb").FullName;
        try
        {
            var zip = Path.Combine(dir, "emb.zip");
            ModelArchive.Save(model, zip);
            var expected = EvaluatorScores(model.Recommender, model.Histories);
            expected.Count(float.IsNegativeInfinity).Should().Be(data.Users.Count, "item 6 is skipped for every user");
            var ml = new MLContext();
            var engine = ml.Model.CreatePredictionEngine<Pair, Scored>(ml.Model.Load(zip, out var schema), schema);
            for (int u = 0; u < data.Users.Count; u++)
                for (int i = 0; i < items; i++)
                {
                    float got = engine.Predict(new Pair { UserId = data.Users[u], ItemId = ids[i] }).Score;
                    BitConverter.SingleToInt32Bits(got).Should().Be(BitConverter.SingleToInt32Bits(expected[u * items + i]), $"user {u}, item {i}: {got} vs {expected[u * items + i]}");
                }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>Scores every known user with its model history through <see cref="IRecommender.Score"/> — the call
    /// the shared evaluator makes — in one batch.</summary>
    private static float[] EvaluatorScores(IRecommender recommender, UserHistories histories)
    {
        var queries = Enumerable.Range(0, histories.UserCount).Select(u => new UserQuery(u, histories.Memory(u))).ToArray();
        var scores = new float[queries.Length * recommender.ItemCount];
        recommender.Score(queries, scores);
        return scores;
    }

    private static float[] RunConsumer(string zip, IReadOnlyList<string> users, IReadOnlyList<string> items)
    {
        var dir = Directory.CreateTempSubdirectory("blairclip-mlnet").FullName;
        try
        {
            File.WriteAllLines(Path.Combine(dir, "users.txt"), users);
            File.WriteAllLines(Path.Combine(dir, "items.txt"), items);
            var output = Path.Combine(dir, "scores.f32");
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { Consumer, zip, Path.Combine(dir, "users.txt"), Path.Combine(dir, "items.txt"), output }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            p.ExitCode.Should().Be(0, stderr.Result);
            var bytes = File.ReadAllBytes(output);
            bytes.Length.Should().Be(users.Count * items.Count * 4);
            return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private sealed class FixedScores(float[] scores, int items) : IRecommender
    {
        public int ItemCount => items;
        public void Score(ReadOnlySpan<UserQuery> queries, Span<float> output)
        {
            for (int q = 0; q < queries.Length; q++)
                scores.AsSpan(queries[q].User * items, items).CopyTo(output.Slice(q * items, items));
        }
    }

    public sealed class Pair
    {
        public string UserId { get; set; } = "";
        public string ItemId { get; set; } = "";
    }

    public sealed class Scored
    {
        public float Score { get; set; }
    }
}
