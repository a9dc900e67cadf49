using BlairClip.ML.Core;
using BlairClip.ML.Evaluation;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Split;
using FluentAssertions;

namespace BlairClip.ML.Tests.Evaluation;

/// <summary>The evaluator's fast paths (user-independent scores from one sorted copy; dense and TF-IDF models counting in
/// their kernels) give exactly the ranks of the reference path that scores every row — on randomised catalogs built to
/// tie: duplicated item rows, all-zero rows, zero user profiles, held-out items that are also history, repeated
/// history items, skipped (−∞) items, and sizes that are not multiples of the kernel's tiles.</summary>
public sealed class FastRankingPathTests
{
    private const int Items = 237, Users = 61;

    private static (HeldOutItem[] Cases, UserHistories Histories) Cases(int seed)
    {
        var rng = new Random(seed);
        var offsets = new List<int> { 0 };
        var items = new List<int>();
        var cases = new List<HeldOutItem>();
        for (int u = 0; u < Users; u++)
        {
            int n = u % 7 == 0 ? 0 : rng.Next(1, 9);
            var history = Enumerable.Range(0, n).Select(_ => rng.Next(Items)).ToList();
            if (n > 2) history.Add(history[0]);  // a repeated item
            items.AddRange(history);
            offsets.Add(items.Count);
            int target = n > 0 && u % 5 == 0 ? history[0] : rng.Next(Items);  // sometimes also in the history
            cases.Add(new HeldOutItem(u, target, 1000));
        }
        return ([.. cases], new UserHistories([.. offsets], [.. items]));
    }

    /// <summary>Rows of dimension <paramref name="dim"/> with many exact duplicates and some all-zero rows.</summary>
    private static float[] TiedRows(int dim, Random rng, bool sparse)
    {
        var distinct = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, dim)
            .Select(_ => sparse && rng.NextDouble() < 0.8 ? 0f : (float)Math.Round(rng.NextDouble() * 4 - 1, 1)).ToArray()).ToArray();
        var rows = new float[Items * dim];
        for (int j = 0; j < Items; j++)
        {
            if (j % 11 == 0) continue;  // an all-zero row
            distinct[rng.Next(distinct.Length)].CopyTo(rows, j * dim);
        }
        return rows;
    }

    private static ItemMatrix Sparse(float[] dense, int dim)
    {
        var indptr = new List<int> { 0 };
        var indices = new List<int>();
        var values = new List<float>();
        for (int j = 0; j < Items; j++)
        {
            for (int d = 0; d < dim; d++)
                if (dense[j * dim + d] != 0) { indices.Add(d); values.Add(dense[j * dim + d]); }
            indptr.Add(indices.Count);
        }
        return ItemMatrix.FromSparse(dim, [.. indptr], [.. indices], [.. values]);
    }

    public static TheoryData<string> Models => new() { "popularity", "bpr", "content-dense", "content-sparse", "embedding-skip", "embedding-concat" };

    private static IRecommender Build(string kind, int seed)
    {
        var rng = new Random(seed);
        switch (kind)
        {
            case "popularity":
                return new PopularityModel(Enumerable.Range(0, Items).Select(_ => (float)rng.Next(5)).ToArray());
            case "bpr":
            {
                const int k = 13;
                var q = TiedRows(k, rng, sparse: false);
                var p = Enumerable.Range(0, Users * k).Select(i => i / k % 9 == 0 ? 0f : (float)Math.Round(rng.NextDouble() * 2 - 1, 1)).ToArray();
                var bias = Enumerable.Range(0, Items).Select(j => j % 3 == 0 ? 0f : (float)Math.Round(rng.NextDouble(), 1)).ToArray();
                return new BprModel(k, p, q, bias);
            }
            case "content-dense":
                return new ContentProfileModel(new ContentProfileOptions(), ItemMatrix.FromDense(19, TiedRows(19, rng, sparse: false)));
            case "content-sparse":
                return new ContentProfileModel(new ContentProfileOptions { NormalizeProfile = false }, Sparse(TiedRows(50, rng, sparse: true), 50));
            case "embedding-skip":
                return new EmbeddingModel(new EmbeddingRecommenderOptions(), [ItemMatrix.FromDense(24, TiedRows(24, rng, sparse: false))], [1f],
                    Enumerable.Range(0, Items).Where(j => j % 13 == 4).ToArray());
            default:
                return new EmbeddingModel(new EmbeddingRecommenderOptions { Mode = EmbeddingMode.Concat },
                    [ItemMatrix.FromDense(8, TiedRows(8, rng, sparse: false)), Sparse(TiedRows(30, rng, sparse: true), 30)], [0.6f, 0.4f], []);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void FastPath_GivesExactlyTheReferenceRanks(string kind)
    {
        foreach (var ties in new[] { TieRule.Optimistic, TieRule.Average, TieRule.Pessimistic })
            for (int seed = 1; seed <= 3; seed++)
            {
                var model = Build(kind, seed);
                var (cases, histories) = Cases(seed + 10);
                var context = new BlairClipContext();
                var fast = context.Evaluation.Ranking(new RankingEvaluationOptions { Ties = ties, Metrics = ["Recall@10", "NDCG@10", "MRR", "AUC"] })
                    .Evaluate(model, cases, histories);
                var rows = context.Evaluation.Ranking(new RankingEvaluationOptions { Ties = ties, Metrics = ["Recall@10", "NDCG@10", "MRR", "AUC"], Path = RankingPath.ScoreRows, BatchSize = 7 })
                    .Evaluate(model, cases, histories);
                fast.PerUser.Should().BeEquivalentTo(rows.PerUser, o => o.WithStrictOrdering(), $"{kind}, ties {ties}, seed {seed}");
                fast.PerUser.Sum(u => u.Equal).Should().BeGreaterThan(0, "the catalog is built to tie");
            }
    }

    [Fact]
    public void DenseKernel_ScoresEqualTheOnePairArithmetic_AndCountsMatchASort()
    {
        var rng = new Random(4);
        foreach (var (rows, dim, queries) in new[] { (237, 13, 5), (16, 8, 4), (1000, 64, 9), (33, 100, 1) })
        {
            var items = Enumerable.Range(0, rows * dim).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var matrix = ItemMatrix.FromDense(dim, items);
            var profiles = Enumerable.Range(0, queries * dim).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var scores = new float[queries * rows];
            matrix.MultiplyRows(profiles, queries, scores);
            var targets = Enumerable.Range(0, queries).Select(q => (q * 37) % rows).ToArray();
            var t = new float[queries]; var h = new int[queries]; var e = new int[queries];
            matrix.CountRanks(profiles, queries, targets, null, t, h, e);
            for (int q = 0; q < queries; q++)
            {
                var p = profiles.AsSpan(q * dim, dim);
                for (int j = 0; j < rows; j++)
                    scores[q * rows + j].Should().Be(ItemMatrix.DotDense(items.AsSpan(j * dim, dim), p), "the batched kernel and the one-pair kernel agree bit for bit");
                var row = scores.AsSpan(q * rows, rows).ToArray();
                t[q].Should().Be(row[targets[q]]);
                (h[q], e[q]).Should().Be((row.Count(s => s > t[q]), row.Count(s => s == t[q])));
            }
        }
    }
}
