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
}
