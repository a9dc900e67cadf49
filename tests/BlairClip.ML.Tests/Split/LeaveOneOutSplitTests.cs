using BlairClip.ML.Core;
using BlairClip.ML.Data;
using BlairClip.ML.Split;
using BlairClip.ML.Tests.Data;
using FluentAssertions;
using static BlairClip.ML.Tests.Data.DataBuilder;

namespace BlairClip.ML.Tests.Split;

public class LeaveOneOutSplitTests
{
    private static DataSplit Split(LoadedData data, bool validation = false) =>
        new BlairClipContext().Data.LeaveOneOut(data, new LeaveOneOutOptions { Validation = validation });

    [Fact]
    public void Apply_LastByTimestampToTest_RestTrainInFileOrder()
    {
        var data = Events(E("u1", "c", 30), E("u1", "a", 10), E("u2", "a", 5), E("u1", "b", 20), E("u2", "b", 6));
        var split = Split(data);
        split.Test.Should().Equal(new HeldOutItem(0, data.Items.IndexOf("c"), 30), new HeldOutItem(1, data.Items.IndexOf("b"), 6));
        Pairs(data, split.Train).Should().Equal("u1:a", "u2:a", "u1:b");
        split.Validation.Should().BeEmpty();
    }

    [Fact]
    public void Apply_EqualTimestamps_LaterLineIsLast()
    {
        var data = Events(E("u1", "a", 7), E("u1", "b", 7), E("u1", "c", 7), E("u1", "d", 1));
        var split = Split(data, validation: true);
        split.Test.Single().Item.Should().Be(data.Items.IndexOf("c"));
        split.Validation.Single().Item.Should().Be(data.Items.IndexOf("b"));
        Pairs(data, split.Train).Should().Equal("u1:a", "u1:d");
    }

    [Fact]
    public void Apply_OneEventUser_StaysTrainOnlyAndCounted()
    {
        var data = Events(E("u1", "a", 1), E("u2", "a", 1), E("u2", "b", 2));
        var split = Split(data);
        split.Test.Should().Equal(new HeldOutItem(1, 1, 2));
        Pairs(data, split.Train).Should().Equal("u1:a", "u2:a");
        split.Report.Get("split_train_only_users").Should().Be(1);
        split.Report.Get("split_test_interactions").Should().Be(1);
    }

    [Fact]
    public void Apply_ValidationWithTwoEvents_TrainOnly()
    {
        var data = Events(E("u1", "a", 1), E("u1", "b", 2), E("u2", "a", 1), E("u2", "b", 2), E("u2", "c", 3));
        var split = Split(data, validation: true);
        split.Test.Should().Equal(new HeldOutItem(1, 2, 3));
        split.Validation.Should().Equal(new HeldOutItem(1, 1, 2));
        Pairs(data, split.Train).Should().Equal("u1:a", "u1:b", "u2:a");
        split.Report.Get("split_train_only_users").Should().Be(1);
    }

    [Fact]
    public void Apply_DuplicatesKept_RepeatCanBeHeldOut()
    {
        var data = Events(E("u1", "a", 1), E("u1", "b", 2), E("u1", "a", 3));
        var split = Split(data);
        split.Test.Single().Item.Should().Be(data.Items.IndexOf("a"));
        Pairs(data, split.Train).Should().Equal("u1:a", "u1:b");
    }

    [Fact]
    public void Apply_EmbeddedSample_OneTestItemPerUser()
    {
        var data = new BlairClipContext().Data.LoadAmazonReviews(
            new AmazonReviewsOptions { Reviews = "All_Beauty.jsonl", Meta = "meta_All_Beauty.jsonl" }, RepoPaths.AllBeauty);
        var split = Split(data, validation: true);
        split.Test.Should().HaveCount(253);
        split.Validation.Should().HaveCount(253);
        split.Train.Count.Should().Be(2535 - 2 * 253);
        split.Test.Select(h => h.User).Should().OnlyHaveUniqueItems();
    }
}
