using BlairClip.ML.Text;
using FluentAssertions;

namespace BlairClip.ML.Tests.Text;

public class NumpyArgsortTests
{
    [Fact]
    public void Argsort_SmallArray_InsertionSortIsStable() =>
        // ≤ 16 elements: NumPy uses insertion sort only, which keeps equal values in index order.
        NumpyArgsort.Argsort([-2.0, -3.0, -2.0, -3.0, -1.0]).Should().Equal(1, 3, 0, 2, 4);

    [Fact]
    public void Argsort_FixtureArraysWithTies_SameOrderAsNumPy()
    {
        foreach (var row in TfIdfFixture.Load().Argsort)
            NumpyArgsort.Argsort(row.Values).Should().Equal(row.Order, "array of {0} values", row.Values.Length);
    }

    [Fact]
    public void Argsort_LargeArrayWithTies_IsNotStable()
    {
        // Proves the fixture comparison above can fail for a stable sort: NumPy's order of ties differs.
        var row = TfIdfFixture.Load().Argsort.First(r => r.Values.Length == 1000);
        var stable = Enumerable.Range(0, row.Values.Length).OrderBy(i => row.Values[i]).ToArray();
        stable.Should().NotEqual(row.Order);
    }
}
