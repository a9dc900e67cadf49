using BlairClip.ML.Core;
using FluentAssertions;

namespace BlairClip.ML.Tests.Core;

public class IdMapTests
{
    private static List<string> RandomIds(int count, int seed)
    {
        // Shared prefixes, lengths 0–40, non-ASCII, and repeats.
        var random = new Random(seed);
        const string alphabet = "AB01é€𝄞z";
        var ids = new List<string>();
        for (int i = 0; i < count; i++)
            ids.Add(random.Next(4) == 0 && ids.Count > 0
                ? ids[random.Next(ids.Count)]
                : "U" + string.Concat(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)])));
        return ids;
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void GetOrAdd_ManyIdsThroughManyRegrowths_AgreesWithADictionary(int seed, bool reserveMidway)
    {
        var ids = RandomIds(60_000, seed);
        var map = new IdMap();
        var expected = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        for (int k = 0; k < ids.Count; k++)
        {
            if (reserveMidway && k == 1000) map.EnsureCapacity(50_000, 1_000_000);
            if (!expected.TryGetValue(ids[k], out int want)) { want = order.Count; expected.Add(ids[k], want); order.Add(ids[k]); }
            (k % 2 == 0 ? map.GetOrAdd(ids[k]) : map.GetOrAdd(ids[k].AsSpan())).Should().Be(want);
        }
        map.Count.Should().Be(order.Count);
        map.Ids.Should().Equal(order);
        for (int i = 0; i < order.Count; i++)
        {
            map[i].Should().Be(order[i]);
            map.Chars(i).SequenceEqual(order[i]).Should().BeTrue();
            map.TryGetIndex(order[i], out int index).Should().BeTrue();
            index.Should().Be(i);
        }
        foreach (var absent in RandomIds(2_000, seed + 100).Select(id => id + "#"))
            map.TryGetIndex(absent, out _).Should().BeFalse();
        map.TryAdd(order[^1], out int existing).Should().BeFalse();
        existing.Should().Be(order.Count - 1);
    }

    [Fact]
    public void IndicesOf_ManyIdsAtOnce_EqualsTryGetIndexOfEach()
    {
        // Present and absent ids in random order (more than the lookahead and fewer), and ids sharing one hash (a probe
        // chain whose first slot's hash matches other ids: the prefetches guess, the lookups decide).
        var map = new IdMap();
        var present = RandomIds(5_000, 7).Distinct().ToList();
        foreach (var id in present) map.TryAdd(id, out _);
        var chain = Enumerable.Range(0, 40).Select(i => $"same{i}").ToList();
        foreach (var id in chain) map.TryAdd(id, 99UL, out _);
        var random = new Random(8);
        foreach (int count in new[] { 0, 1, 5, 17, 3_000 })
        {
            var queries = Enumerable.Range(0, count).Select(_ => random.Next(3) switch
            {
                0 => present[random.Next(present.Count)] + "#",
                1 => chain[random.Next(chain.Count)],
                _ => present[random.Next(present.Count)],
            }).ToList();
            var hashes = queries.Select(q => q.StartsWith("same") ? 99UL : IdMap.Hash(q)).ToArray();
            var indices = new int[count];
            map.IndicesOf(hashes, k => queries[k], indices);
            for (int k = 0; k < count; k++)
                indices[k].Should().Be(map.TryGetIndex(queries[k], hashes[k], out int one) ? one : -1, $"query {k} ('{queries[k]}')");
            if (count >= 17) indices.Should().Contain(i => i >= 0).And.Contain(-1, "both present and absent ids were asked for");
        }
    }

    [Fact]
    public void TryAdd_DistinctIdsWithTheSameHash_StayDistinct()
    {
        // Every id filed under the same hash (the parsing threads pass hashes in): one probe chain, told apart by characters.
        var map = new IdMap();
        var ids = Enumerable.Range(0, 300).Select(i => $"id{i}").ToList();
        foreach (var id in ids) map.TryAdd(id, 42UL, out _).Should().BeTrue();
        for (int i = 0; i < ids.Count; i++)
        {
            map.TryGetIndex(ids[i], 42UL, out int index).Should().BeTrue();
            index.Should().Be(i);
            map.GetOrAdd(ids[i], 42UL).Should().Be(i);
        }
        map.TryGetIndex("id300", 42UL, out _).Should().BeFalse();
        map.Count.Should().Be(300);
    }

    [Fact]
    public void Errors_NameTheId()
    {
        FluentActions.Invoking(() => new IdMap(["a", "b", "a"])).Should().Throw<ArgumentException>().WithMessage("Duplicate id 'a'.*");
        FluentActions.Invoking(() => new IdMap(["a"]).IndexOf("zz", "user")).Should().Throw<KeyNotFoundException>().WithMessage("Unknown user 'zz'.");
        FluentActions.Invoking(() => new IdMap(["a"])[1]).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void EmptyId_IsAnIdLikeAnyOther()
    {
        var map = new IdMap(["", "x"]);
        map.IndexOf("").Should().Be(0);
        map[0].Should().BeEmpty();
        map.Ids.Should().Equal("", "x");
    }

    [Fact]
    public void IndicesIn_AndToLines_FollowIndexOrder()
    {
        var study = new IdMap(["u3", "u1", "new", "u2"]);
        var model = new IdMap(["u1", "u2", "u3"]);
        study.IndicesIn(model).Should().Equal(2, 0, -1, 1);
        model.ToLines().Should().Be("u1\nu2\nu3\n");
        new IdMap().ToLines().Should().BeEmpty();
    }

    [Fact]
    public void Subset_KeepsTheFlaggedIds_InOrder()
    {
        var ids = RandomIds(5_000, 9).Distinct().ToList();
        var map = new IdMap(ids);
        var keep = ids.Select((_, i) => i % 3 != 1).ToArray();
        var subset = map.Subset(keep);
        var expected = ids.Where((_, i) => keep[i]).ToList();
        subset.Ids.Should().Equal(expected);
        for (int i = 0; i < expected.Count; i++) subset.IndexOf(expected[i]).Should().Be(i);
        subset.TryGetIndex(ids[1], out _).Should().BeFalse();
        FluentActions.Invoking(() => map.Subset(new bool[3])).Should().Throw<ArgumentException>();
    }
}
