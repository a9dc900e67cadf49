using BlairClip.ML.Core;
using BlairClip.ML.Models;
using FluentAssertions;

namespace BlairClip.ML.Tests.Models;

public class FactoredScoresTests
{
    /// <summary>A profile function that only depends on the user: wide sparse rows with NaN, −0 and values in the last
    /// columns (off the 8-lane width), and a dense part.</summary>
    private static float[][] Rows(UserQuery[] queries, int sparseDim, int denseDim)
    {
        var sparse = new float[queries.Length * sparseDim];
        var dense = new float[queries.Length * denseDim];
        for (int q = 0; q < queries.Length; q++)
        {
            int u = queries[q].User;
            var rng = new Random(u);
            for (int k = 0; k < u % 7; k++) sparse[q * sparseDim + rng.Next(sparseDim)] = (float)rng.NextDouble() + 0.5f;
            if (u % 11 == 0) sparse[q * sparseDim + sparseDim - 1] = float.NaN;
            if (u % 13 == 0) sparse[q * sparseDim + 3] = -0f;
            for (int d = 0; d < denseDim; d++) dense[q * denseDim + d] = u * 0.5f - d;
        }
        return [sparse, dense];
    }

    [Fact]
    public void Profiles_ManyUsersOverManyParallelCalls_EqualTheRowsComputedOneUserAtATime()
    {
        const int users = 3000, sparseDim = 4999, denseDim = 5;
        var offsets = Enumerable.Range(0, users + 1).ToArray();
        var histories = new UserHistories(offsets, Enumerable.Range(0, users).Select(u => u % 17).ToArray());
        int calls = 0;
        // 3 users per call at this width: 1,000 calls, several parallel groups on any machine up to 7 cores.
        var parts = FactoredScores.Profiles(histories, [(sparseDim, true), (denseDim, false)],
            q => { Interlocked.Increment(ref calls); return Rows(q, sparseDim, denseDim); });
        calls.Should().BeGreaterThan(500);

        parts[0].IsDense.Should().BeFalse();
        parts[1].IsDense.Should().BeTrue();
        for (int u = 0; u < users; u++)
        {
            var expected = Rows([new UserQuery(u, histories.Memory(u))], sparseDim, denseDim);
            var columns = Enumerable.Range(0, sparseDim).Where(d => expected[0][d] != 0).ToArray();
            parts[0].RowIndices(u).ToArray().Should().Equal(columns, $"user {u}: the non-zero columns, ascending (−0 dropped, NaN kept)");
            parts[0].Row(u).ToArray().Select(BitConverter.SingleToInt32Bits)
                .Should().Equal(columns.Select(d => BitConverter.SingleToInt32Bits(expected[0][d])));
            parts[1].Row(u).ToArray().Should().Equal(expected[1]);
        }
    }

    [Fact]
    public void SparseMeanProfiles_EqualTheDenseProfilesNonZeros_BitForBit()
    {
        // Items with explicit zeros, values that cancel to 0 or underflow to −0 within a profile, NaN, tiny and huge values, the
        // last column; users with empty, short and long histories, in several parallel groups of calls.
        const int items = 400, dim = 997, users = 9000;
        var rng = new Random(11);
        var indptr = new List<int> { 0 };
        var indices = new List<int>();
        var values = new List<float>();
        for (int i = 0; i < items; i++)
        {
            var columns = Enumerable.Range(0, rng.Next(0, 40)).Select(_ => rng.Next(i % 9 == 0 ? 12 : dim)).Distinct().Order().ToList();
            if (i % 50 == 0) columns = [.. columns.Append(dim - 1).Distinct().Order()];
            foreach (int c in columns)
            {
                indices.Add(c);
                values.Add((i % 9, rng.Next(6)) switch
                {
                    (0, 0) => 0f,
                    (0, 1) => 1f,
                    (0, 2) => -1f,
                    (_, 3) when i % 97 == 0 => float.NaN,
                    (_, 4) => (float)(rng.NextDouble() * 1e-30),
                    (_, 5) when i % 13 == 0 => -float.Epsilon, // over ≥ 2 history items: underflows to −0, dropped
                    _ => (float)(rng.NextDouble() * 4 - 2) * (i % 5 == 0 ? 1e20f : 1f),
                });
            }
            indptr.Add(indices.Count);
        }
        var matrix = BlairClip.ML.Recommenders.ItemMatrix.FromSparse(dim, [.. indptr], [.. indices], [.. values]);
        var offsets = new int[users + 1];
        var history = new List<int>();
        for (int u = 0; u < users; u++)
        {
            history.AddRange(Enumerable.Range(0, u % 10 == 0 ? 0 : rng.Next(1, u % 7 == 0 ? 60 : 4)).Select(_ => rng.Next(items)).Distinct().Order());
            offsets[u + 1] = history.Count;
        }
        var histories = new UserHistories(offsets, [.. history]);

        var sparse = FactoredScores.SparseMeanProfiles(histories, matrix);
        var dense = FactoredScores.Profiles(histories, dim, sparse: true, q => matrix.MeanProfiles(q));
        sparse.Rows.Should().Be(users);
        for (int u = 0; u < users; u++)
        {
            sparse.RowIndices(u).ToArray().Should().Equal(dense.RowIndices(u).ToArray(), $"user {u}: the same non-zero columns");
            sparse.Row(u).ToArray().Select(BitConverter.SingleToInt32Bits).Should().Equal(dense.Row(u).ToArray().Select(BitConverter.SingleToInt32Bits), $"user {u}");
        }
        FluentActions.Invoking(() => FactoredScores.SparseMeanProfiles(new UserHistories([0, 1], [items]), matrix))
            .Should().Throw<ArgumentException>().WithMessage("*history item 400 is not a catalog index*");
    }
}
