using BlairClip.ML.Core;
using BlairClip.ML.Data;
using BlairClip.ML.Split;
using FluentAssertions;
using static BlairClip.ML.Tests.Data.DataBuilder;

namespace BlairClip.ML.Tests.Data;

public class DataProfileTests
{
    [Fact]
    public void Compute_HandCase_FrequencyTablesCoverageAndSplit_RoundTripThroughJson()
    {
        // u1: 4 events, u2: 2, u3: 1; items a: 3, b: 2, c: 2, z: 0 (catalog-only). Texts "text a" (2 words), "" (b), "text c", "text z".
        var (data, split) = HandCase();
        var p = DataProfile.Compute(data, split);

        p.InteractionsPerUser.Should().Equal((1, 1), (2, 1), (4, 1));
        p.InteractionsPerItem.Should().Equal((0, 1), (2, 2), (3, 1));
        // Only u1 is a test user; its training history is 4 − test − validation = 2.
        p.TestHistoryLengths.Should().Equal((2, 1));
        p.TextWords.Should().Equal((0, 1), (2, 3));
        (p.Items, p.ItemsWithText, p.ItemsWithImage).Should().Be((4, 3, 1));
        (p.Users, p.TestUsers, p.ValidationUsers, p.TrainInteractions).Should().Be((3, 1, 1, 5));
        p.TrainOnlyUsers.Should().Be(2);

        var back = DataProfile.FromJson(System.Text.Json.Nodes.JsonNode.Parse(p.ToJson().ToJsonString())!, "x.json");
        back.InteractionsPerItem.Should().Equal(p.InteractionsPerItem);
        back.Should().BeEquivalentTo(p);
    }

    [Fact]
    public void FromJson_MissingField_NamesFileAndKey()
    {
        var act = () => DataProfile.FromJson(System.Text.Json.Nodes.JsonNode.Parse("{\"items\": 3}")!, "run/data_profile.json");
        act.Should().Throw<InvalidDataException>().WithMessage("run/data_profile.json*interactions_per_user*");
    }
}
