using BlairClip.ML.Core;
using BlairClip.ML.Data;
using BlairClip.ML.Tests.Conformance;
using FluentAssertions;
using static BlairClip.ML.Tests.Data.DataBuilder;

namespace BlairClip.ML.Tests.Data;

public class InteractionFilterTests
{
    private static LoadedData Filter(LoadedData data, InteractionFilterOptions options) =>
        new BlairClipContext().Data.Filter(data, options);

    [Fact]
    public void Apply_KCore2_IteratesToFixedPoint()
    {
        // Round 1: item e has 1 event → removed, taking u3 down to 1 event. Round 2: u3 (1 event) → removed, taking
        // item d down to 1. Round 3: d → removed, u4 down to 1. Round 4: u4 removed. Then u1, u2 × a, b is a 2-core.
        var data = Events(E("u1", "a", 1), E("u1", "b", 2), E("u2", "a", 3), E("u2", "b", 4),
            E("u3", "d", 5), E("u3", "e", 6), E("u4", "d", 7), E("u4", "c", 8), E("u5", "c", 9), E("u5", "a", 10));
        var result = Filter(data, new() { KCore = 2 });

        // c: u4, u5 — after u4 goes c has 1 → removed, so u5 has only 'a' → removed too.
        Pairs(result, result.Events).Should().Equal("u1:a", "u1:b", "u2:a", "u2:b");
        result.Users.Ids.Should().Equal("u1", "u2");
        result.Items.Ids.Should().Equal("a", "b");
        TestColumns.TextValues(result.ItemTable, ItemColumns.ItemId).ToArray().Should().Equal("a", "b");
        result.Report.Get("filter_k_core_interactions_removed").Should().Be(6);
        result.Report.Get("filter_k_core_users_removed").Should().Be(3);
        result.Report.Get("filter_k_core_items_removed").Should().Be(3);
        result.Report.Get("filter_k_core_rounds").Should().BeGreaterThan(1);
        // Every survivor satisfies the k-core condition.
        result.Events.User.GroupBy(x => x).Should().OnlyContain(g => g.Count() >= 2);
        result.Events.Item.GroupBy(x => x).Should().OnlyContain(g => g.Count() >= 2);
    }

    [Fact]
    public void Apply_DuplicatesFirst_KeepsEarliestByTimeThenFileOrder()
    {
        var data = Events(E("u1", "a", 5, 1), E("u1", "b", 1), E("u1", "a", 3, 2), E("u1", "a", 3, 4), E("u2", "a", 9));
        var result = Filter(data, new() { Duplicates = DuplicatePolicy.First });
        // u1:a at t=3 twice: the earlier line (rating 2) wins; output keeps file order.
        Pairs(result, result.Events).Should().Equal("u1:b", "u1:a", "u2:a");
        result.Events.Rating.Should().Equal(5f, 2f, 5f);
        result.Report.Get("filter_duplicates_interactions_removed").Should().Be(2);
    }

    [Fact]
    public void Apply_DuplicatesKeep_ChangesNothing()
    {
        var data = Events(E("u1", "a", 5), E("u1", "a", 3));
        Filter(data, new()).Events.Count.Should().Be(2);
    }

    [Fact]
    public void Apply_MinRating_RemovesLowAndUnrated()
    {
        var data = Events(E("u1", "a", 1, 4), E("u1", "b", 2, 2), E("u2", "b", 3, float.NaN), E("u2", "a", 4, 3));
        var result = Filter(data, new() { MinRating = 3 });
        Pairs(result, result.Events).Should().Equal("u1:a", "u2:a");
        result.Items.Ids.Should().Equal("a");
        result.Report.Get("filter_min_rating_interactions_removed").Should().Be(2);
        result.Report.Get("filter_min_rating_items_removed").Should().Be(1);
    }

    [Fact]
    public void Apply_MinRatingWithoutRatings_Throws()
    {
        var data = Events(E("u1", "a", 1, float.NaN));
        var act = () => Filter(data, new() { MinRating = 3 });
        act.Should().Throw<InvalidOptionException>().WithMessage("`min_rating` can only be used with data that has ratings, but was 3");
    }

    [Fact]
    public void Apply_MinUserInteractions_RemovesSmallUsersAndReindexes()
    {
        var data = Events(E("u1", "a", 1), E("u2", "b", 2), E("u2", "c", 3), E("u3", "a", 4));
        var result = Filter(data, new() { MinUserInteractions = 2 });
        result.Users.Ids.Should().Equal("u2");
        result.Items.Ids.Should().Equal("b", "c");
        result.Events.User.Should().Equal(0, 0);
        result.Events.Item.Should().Equal(0, 1);
        TestColumns.TextValues(result.ItemTable, ItemColumns.Title).ToArray().Should().Equal("title b", "title c");
        result.Report.Get("filter_min_user_interactions_users_removed").Should().Be(2);
        result.Report.Get("filter_min_user_interactions_items_removed").Should().Be(1);
        result.Report.Get("users").Should().Be(1);
        data.Events.Count.Should().Be(4, "the input is not changed");
    }

    [Fact]
    public void Apply_OrderDuplicatesBeforeMinUser()
    {
        // u1 has 2 events but only 1 distinct item: dedup first leaves 1 < 2, so u1 goes.
        var data = Events(E("u1", "a", 1), E("u1", "a", 2), E("u2", "a", 3), E("u2", "b", 4));
        var result = Filter(data, new() { Duplicates = DuplicatePolicy.First, MinUserInteractions = 2 });
        result.Users.Ids.Should().Equal("u2");
    }

    [Fact]
    public void Apply_ItemsWithoutEventsFromCatalogAll_Stay()
    {
        var data = Events([E("u1", "a", 1), E("u2", "b", 2)], ["z"]);
        var result = Filter(data, new() { MinUserInteractions = 1, KCore = 1 });
        result.Items.Ids.Should().Equal("a", "b", "z");
    }

    [Theory]
    [InlineData(-1, null, "`min_user_interactions` must be ≥ 0, but was -1")]
    [InlineData(0, 0, "`k_core` must be ≥ 1, but was 0")]
    public void Constructor_BadOptions_NameOption(int minUser, int? kCore, string message)
    {
        var act = () => new InteractionFilter(new() { MinUserInteractions = minUser, KCore = kCore });
        act.Should().Throw<InvalidOptionException>().WithMessage(message);
    }
}
