using BlairClip.ML.Core;
using BlairClip.ML.Data;
using BlairClip.ML.Split;
using BlairClip.ML.Tests.Data;
using FluentAssertions;

namespace BlairClip.ML.Tests.Split;

public class OfficialSplitLoaderTests
{
    private static readonly BlairClipContext Context = new();

    private static LoadedData Sample() => Context.Data.LoadAmazonReviews(
        new AmazonReviewsOptions { Reviews = "All_Beauty.jsonl", Meta = "meta_All_Beauty.jsonl" }, RepoPaths.AllBeauty);

    private static readonly OfficialSplitOptions SampleFiles = new()
    {
        Train = "All_Beauty.train.csv", Valid = "All_Beauty.valid.csv", Test = "All_Beauty.test.csv",
    };

    [Fact]
    public void Load_EmbeddedSample_OneValidAndTestRowPerUser()
    {
        var (data, split) = Context.Data.LoadOfficialSplit(SampleFiles, RepoPaths.AllBeauty, Sample());
        data.Users.Count.Should().Be(253);
        data.Items.Count.Should().Be(356);
        data.Events.Count.Should().Be(2535);
        split.Train.Count.Should().Be(2029);
        split.Test.Should().HaveCount(253);
        split.Validation.Should().HaveCount(253);
        split.Test.Select(h => h.User).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(Enumerable.Range(0, 253));
        split.Validation.Select(h => h.User).Should().OnlyHaveUniqueItems();
        data.Report.Get("interactions_dropped_unknown_item").Should().Be(0);
        split.Report.Get("split_train_only_users").Should().Be(0);
        // First test row: AFSKPY37N3C43SOI5IEXEK5JSIYA,B08P2DZB4X,5.0,1627391044559
        var first = split.Test[0];
        data.Users[first.User].Should().Be("AFSKPY37N3C43SOI5IEXEK5JSIYA");
        data.Items[first.Item].Should().Be("B08P2DZB4X");
        first.Timestamp.Should().Be(1627391044559);
    }

    [Fact]
    public void Load_EmbeddedSample_MatchesOurLeaveOneOut()
    {
        // The official split is leave-last-out by timestamp, so our split of the reviews must hold out the same items.
        var reviews = Sample();
        var ours = Context.Data.LeaveOneOut(reviews, new LeaveOneOutOptions { Validation = true });
        var (data, official) = Context.Data.LoadOfficialSplit(SampleFiles, RepoPaths.AllBeauty, reviews);
        string Key(IdMap users, IdMap items, HeldOutItem h) => $"{users[h.User]}:{items[h.Item]}:{h.Timestamp}";
        official.Test.Select(h => Key(data.Users, data.Items, h)).Should()
            .BeEquivalentTo(ours.Test.Select(h => Key(reviews.Users, reviews.Items, h)));
        official.Validation.Select(h => Key(data.Users, data.Items, h)).Should()
            .BeEquivalentTo(ours.Validation.Select(h => Key(reviews.Users, reviews.Items, h)));
    }

    [Fact]
    public void Load_SecondTestRowForUser_ErrorNamesBothLines()
    {
        using var f = new TestFiles();
        var catalog = DataBuilder.Events(DataBuilder.E("x", "a", 1), DataBuilder.E("x", "b", 2));
        const string header = "user_id,parent_asin,rating,timestamp,history";
        f.Write("train.csv", header, "u1,a,5.0,1,");
        f.Write("valid.csv", header);
        f.Write("test.csv", header, "u1,b,4.0,2,a", "u2,a,3.0,3,", "u1,a,4.0,4,a");
        var act = () => OfficialSplitLoader.Load(new() { Train = "train.csv", Valid = "valid.csv", Test = "test.csv" }, f.Dir, catalog);
        act.Should().Throw<DataFormatException>().WithMessage(
            "test.csv line 4: user 'u1' already has a row at line 2; the official split holds out one item per user");
    }

    [Fact]
    public void Load_UnknownItemsAndMissingTest_CountedAndTrainOnly()
    {
        using var f = new TestFiles();
        var catalog = DataBuilder.Events(DataBuilder.E("x", "a", 1), DataBuilder.E("x", "b", 2));
        const string header = "user_id,parent_asin,rating,timestamp,history";
        f.Write("train.csv", header, "u1,a,5.0,1,", "u2,zz,5.0,1,", "u2,b,,2,");
        f.Write("valid.csv", header, "u1,b,2,3,a");
        f.Write("test.csv", header, "u2,a,3.0,3,b");
        var (data, split) = OfficialSplitLoader.Load(new() { Train = "train.csv", Valid = "valid.csv", Test = "test.csv" }, f.Dir, catalog);
        data.Users.Ids.Should().Equal("u1", "u2");
        data.Events.Item.Should().Equal(0, 1, 1, 0);
        data.Events.Rating.Should().Equal(5f, float.NaN, 2f, 3f);
        split.Train.Count.Should().Be(2);
        split.Validation.Should().Equal(new HeldOutItem(0, 1, 3));
        split.Test.Should().Equal(new HeldOutItem(1, 0, 3));
        data.Report.Get("interactions_dropped_unknown_item").Should().Be(1);
        split.Report.Get("split_train_only_users").Should().Be(1);
    }

    [Fact]
    public void Load_MissingColumn_ErrorListsHeader()
    {
        using var f = new TestFiles();
        var catalog = DataBuilder.Events(DataBuilder.E("x", "a", 1));
        f.Write("train.csv", "user_id,item,rating,timestamp", "u1,a,5.0,1");
        var act = () => OfficialSplitLoader.Load(new() { Train = "train.csv", Valid = "train.csv", Test = "train.csv" }, f.Dir, catalog);
        act.Should().Throw<DataFormatException>().WithMessage(
            "train.csv line 1: missing column 'parent_asin'*but the header is [user_id, item, rating, timestamp]");
    }
}
