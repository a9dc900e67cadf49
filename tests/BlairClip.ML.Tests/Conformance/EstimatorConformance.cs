using BlairClip.ML.Core;
using BlairClip.ML.Models;
using FluentAssertions;

namespace BlairClip.ML.Tests.Conformance;

/// <summary>The checks every recommender estimator must pass, run the same way for each:
/// the declared output schema matches the transformed data, a schema the estimator cannot use is refused before
/// fitting, and save → reload gives identical scores for known users and for ad-hoc histories.</summary>
public static class EstimatorConformance
{
    public static RecommenderModel Check<T>(IEstimator<T> estimator, RecDataset data, RecSchema? unusableInput = null)
        where T : class, IRecommender
    {
        var declared = estimator.GetOutputSchema(data.Schema);
        if (unusableInput is not null)
            FluentActions.Invoking(() => estimator.GetOutputSchema(unusableInput)).Should().Throw<SchemaMismatchException>();

        var chain = EstimatorChain.Start<IRecommender>(estimator).Fit(data);
        return CheckFitted(chain, declared, data);
    }

    /// <summary>The same checks for a chain of estimators ending in a recommender (e.g. a featurizer followed by a
    /// recommender); every fitted transformer is saved and reloaded.</summary>
    public static RecommenderModel Check<TLast>(EstimatorChain<TLast> estimator, RecDataset data, RecSchema? unusableInput = null)
        where TLast : class, IRecommender
    {
        var declared = estimator.GetOutputSchema(data.Schema);
        if (unusableInput is not null)
            FluentActions.Invoking(() => estimator.GetOutputSchema(unusableInput)).Should().Throw<SchemaMismatchException>();
        return CheckFitted(new TransformerChain<IRecommender>(estimator.Fit(data).Transformers), declared, data);
    }

    private static RecommenderModel CheckFitted(TransformerChain<IRecommender> chain, RecSchema declared, RecDataset data)
    {
        chain.GetOutputSchema(data.Schema).Items.Select(c => c.Name).Should().BeEquivalentTo(declared.Items.Select(c => c.Name));
        var model = new RecommenderModel("conformance", "test", chain, data.Users, data.Items,
            Enumerable.Range(0, data.Items.Count).Select(i => (string?)$"t{i}").ToList(), data.TrainHistories, data.Schema);

        using var ms = new MemoryStream();
        ModelArchive.Write(model, ms);
        ms.Position = 0;
        var reloaded = ModelArchive.Read(ms, "memory.zip");

        var queries = Enumerable.Range(0, data.Users.Count).Select(u => new UserQuery(u, data.TrainHistories.Memory(u))).ToArray();
        var before = new float[queries.Length * data.Items.Count];
        var after = new float[before.Length];
        model.Recommender.Score(queries, before);
        reloaded.Recommender.Score(queries, after);
        after.Should().Equal(before, "a reloaded model must give identical scores");
        before.Should().OnlyContain(s => float.IsFinite(s));
        reloaded.Items.Ids.Should().Equal(data.Items.Ids);
        reloaded.Users.Ids.Should().Equal(data.Users.Ids);
        return reloaded;
    }
}
