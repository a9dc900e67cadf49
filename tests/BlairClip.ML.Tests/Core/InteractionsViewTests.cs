using BlairClip.ML.Core;
using FluentAssertions;
using Microsoft.ML.Data;

namespace BlairClip.ML.Tests.Core;

public class InteractionsViewTests
{
    [Fact]
    public void InteractionsOf_KeyColumns_CarryTheIdsAsKeyValues_InIndexOrder()
    {
        var users = new IdMap(["u-b", "u-a", "ü"]);
        var items = new IdMap(["i1", "i2"]);
        var events = new Interactions([2, 0, 1], [1, 1, 0], [10, 20, 30], [1f, 2f, 3f]);
        var view = RecDataset.InteractionsOf(users, items, events);

        string[] KeyValues(string column)
        {
            var values = default(VBuffer<ReadOnlyMemory<char>>);
            view.Schema[column].Annotations.GetValue("KeyValues", ref values);
            return values.DenseValues().Select(v => v.ToString()).ToArray();
        }
        KeyValues(RecDataset.UserIdColumn).Should().Equal("u-b", "u-a", "ü");
        KeyValues(RecDataset.ItemIdColumn).Should().Equal("i1", "i2");
        ((KeyDataViewType)view.Schema[RecDataset.UserIdColumn].Type).Count.Should().Be(3UL);

        var keys = view.GetColumn<uint>(view.Schema[RecDataset.UserIdColumn]).ToArray();
        keys.Should().Equal(3u, 1u, 2u);
    }
}
