using BlairClip.ML.Core;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Tests.Conformance;
using FluentAssertions;

namespace BlairClip.ML.Tests.Recommenders;

public class PopularityRecommenderTests
{
    [Fact]
    public void Fit_CountsEveryEvent_ScoresAreCounts()
    {
        var data = TinyData.Small();
        var model = new BlairClipContext().Recommenders.Popularity().Fit(data);
        // a: u1, u2, u2 again → 3; b, c → 2; d, e → 1
        model.Counts.ToArray().Should().Equal(3f, 2f, 2f, 1f, 1f);
    }

    [Fact]
    public void Fit_DistinctUsers_CountsPairsOnce()
    {
        var model = new BlairClipContext().Recommenders.Popularity(new() { DistinctUsers = true }).Fit(TinyData.Small());
        model.Counts.ToArray().Should().Equal(2f, 2f, 2f, 1f, 1f);
    }

    [Fact]
    public void Conformance_SaveReload_SameScores() =>
        EstimatorConformance.Check(new BlairClipContext().Recommenders.Popularity(), TinyData.Small(),
            null);
}
