using BlairClip.ML.Core;
using BlairClip.ML.DataViews;
using BlairClip.ML.Models;
using BlairClip.ML.Recommenders;
using FluentAssertions;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace BlairClip.ML.Tests.Conformance;

/// <summary>The checks every recommender pipeline must pass, run the same way for each, through ML.NET's contract:
/// every step's declared output schema (estimator shape, transformer schema) matches what it transforms to; a schema
/// the pipeline cannot use is refused before fitting; the fitted recommender scores pairs through ML.NET exactly as
/// its batched scorer; saved as a model zip, it reloads (ours) with identical scores, and loads in a fresh
/// <see cref="MLContext"/> that scores every pair identically.</summary>
public static class EstimatorConformance
{
    public static RecommenderModel Check(IRecommenderEstimator estimator, RecDataset data, RecDataset? unusable = null) =>
        Check(new RecommenderPipeline([], estimator), data, unusable);

    public static RecommenderModel Check(RecommenderPipeline pipeline, RecDataset data, RecDataset? unusable = null)
    {
        pipeline.Check(data);
        if (unusable is not null)
            FluentActions.Invoking(() => pipeline.Check(unusable)).Should().Throw<SchemaMismatchException>();

        // Estimator shapes, then fitted transformers: declared columns = transformed columns.
        var shape = SchemaShapes.Of(data.ItemTable.Schema);
        foreach (var step in pipeline.ItemSteps) shape = step.GetOutputSchema(shape);
        var fitted = pipeline.Fit(data);
        IDataView items = data.ItemTable;
        foreach (var step in fitted.ItemSteps)
        {
            var declared = step.Transformer.GetOutputSchema(items.Schema);
            items = step.Transformer.Transform(items);
            items.Schema.Select(c => (c.Name, c.Type.ToString())).Should().Equal(declared.Select(c => (c.Name, c.Type.ToString())));
        }
        items.Schema.Where(c => !c.IsHidden).Select(c => c.Name).Should().BeEquivalentTo(shape.Select(c => c.Name));
        var recommenderShape = pipeline.Recommender.GetOutputSchema(SchemaShapes.Of(data.InteractionsView.Schema));
        DataViewColumns.Find(recommenderShape, MLNetScoring.ScoreColumn).Should().NotBeNull();

        var queries = Enumerable.Range(0, data.Users.Count).Select(u => new UserQuery(u, data.TrainHistories.Memory(u))).ToArray();
        var before = new float[queries.Length * data.Items.Count];
        fitted.Recommender.Score(queries, before);
        before.Should().OnlyContain(s => float.IsFinite(s));

        // The fitted recommender as an ML.NET transformer: Score of every (user, item) key pair.
        var pairs = Pairs(data.Users.Count, data.Items.Count);
        var scored = fitted.Recommender.Transform(pairs).GetColumn<float>(MLNetScoring.ScoreColumn).ToArray();
        scored.Should().Equal(before, "the ML.NET face scores each pair as the batched scorer");

        var model = new RecommenderModel("conformance", "test", fitted, data.Users, data.Items,
            Enumerable.Range(0, data.Items.Count).Select(i => (string?)$"t{i}").ToList(), data.TrainHistories);
        using var ms = new MemoryStream();
        ModelArchive.Write(model, ms);
        ms.Position = 0;
        var reloaded = ModelArchive.Read(ms, "memory.zip");
        var after = new float[before.Length];
        reloaded.Recommender.Score(queries, after);
        after.Should().Equal(before, "a reloaded model must give identical scores");
        reloaded.Items.Ids.Should().Equal(data.Items.Ids);
        reloaded.Users.Ids.Should().Equal(data.Users.Ids);

        // The same zip in a fresh ML.NET context, text ids in.
        ms.Position = 0;
        var ml = new MLContext();
        var chain = ml.Model.Load(ms, out var inputSchema);
        inputSchema.Select(c => c.Name).Should().Equal(MLNetScoring.UserIdColumn, MLNetScoring.ItemIdColumn);
        var ids = ColumnarDataView.Create(pairs.GetRowCount() is { } n ? (int)n : 0)
            .AddText(MLNetScoring.UserIdColumn, Enumerable.Range(0, data.Users.Count).SelectMany(u => Enumerable.Repeat(data.Users[u], data.Items.Count)).ToArray())
            .AddText(MLNetScoring.ItemIdColumn, Enumerable.Range(0, data.Users.Count).SelectMany(_ => data.Items.Ids).ToArray());
        chain.Transform(ids).GetColumn<float>(MLNetScoring.ScoreColumn).ToArray().Should().Equal(before, "plain ML.NET scores the zip as the evaluator");
        return reloaded;
    }

    /// <summary>Every (user, item) pair as key columns, user-major.</summary>
    private static IDataView Pairs(int users, int items) => ColumnarDataView.Create(users * items)
        .AddKey(RecDataset.UserIdColumn, Enumerable.Range(0, users * items).Select(k => (uint)(k / items) + 1).ToArray(), Math.Max(1, users))
        .AddKey(RecDataset.ItemIdColumn, Enumerable.Range(0, users * items).Select(k => (uint)(k % items) + 1).ToArray(), Math.Max(1, items));
}
