using BlairClip.ML.Core;
using BlairClip.ML.Data;
using BlairClip.ML.Split;
using FluentAssertions;
using static BlairClip.ML.Tests.Data.DataBuilder;

namespace BlairClip.ML.Tests.Data;

public class DataStatisticsTests
{
    [Fact]
    public void Compute_HandCase_CountsCoverageQuantilesDensity()
    {
        // u1: 4 events, u2: 2, u3: 1; items a: 3, b: 2, c: 2, z: 0 (catalog-only).
        var (data, split) = HandCase();
        var s = new BlairClipContext().Data.Statistics(data, split);

        s.Users.Should().Be(3);
        s.Items.Should().Be(4);
        s.Interactions.Should().Be(7);
        s.TestInteractions.Should().Be(1); // only u1 has more than 2 events
        s.ValidationInteractions.Should().Be(1);
        s.TrainInteractions.Should().Be(5);
        s.ItemsWithText.Should().Be(3); // DataBuilder gives b an empty text
        s.TextCoverage.Should().Be(3 / 4.0);
        s.ItemsWithImage.Should().Be(1);
        // Per user sorted [1, 2, 4]: 25% at h = 0.5 → 1.5; 90% at h = 1.8 → 2 + 0.8·2.
        s.PerUser.Should().Be(new CountQuantiles(1, 1.5, 2, 3, 2 + 0.8 * 2, 4));
        // Per item sorted [0, 2, 2, 3]: 25% at h = 0.75 → 1.5; 75% at h = 2.25 → 2.25; 90% at h = 2.7 → 2.7.
        s.PerItem.Min.Should().Be(0);
        s.PerItem.P25.Should().BeApproximately(0.75 * 2, 1e-12);
        s.PerItem.P75.Should().BeApproximately(2 + 0.25 * 1, 1e-12);
        s.PerItem.P90.Should().BeApproximately(2 + 0.7 * 1, 1e-12);
        s.Density.Should().Be(7 / (3.0 * 4));
    }

    [Fact]
    public void ToTable_ShowsEveryStatistic()
    {
        var data = Events(E("u1", "a", 1), E("u1", "b", 2), E("u2", "a", 3), E("u2", "b", 4));
        var table = DataStatistics.Compute(data, new BlairClipContext().Data.LeaveOneOut(data)).ToTable();
        table.Should().Contain("users").And.Contain("interactions per user").And.Contain("90%").And.Contain("(50.0%)");
        table.Split('\n').Should().Contain(l => l.StartsWith("density") && l.TrimEnd().EndsWith("1"));
    }

    [Fact]
    public void CountQuantiles_Empty_AllZero() => CountQuantiles.Of([]).Should().Be(new CountQuantiles(0, 0, 0, 0, 0, 0));
}
