using BlairClip.ML.Core;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Tests.Conformance;
using FluentAssertions;

namespace BlairClip.ML.Tests.Recommenders;

public class BprMatrixFactorizationTests
{
    private static BprModel Fit(BprOptions o, int seed = 42) => new BlairClipContext(seed).Recommenders.Bpr(o).Fit(TinyData.Small());

    [Fact]
    public void Fit_OneThreadSameSeed_IsBitForBitReproducible()
    {
        var o = new BprOptions { Factors = 4, Epochs = 5, Threads = 1 };
        Fit(o).ItemFactors.ToArray().Should().Equal(Fit(o).ItemFactors.ToArray());
        Fit(o, seed: 7).ItemFactors.ToArray().Should().NotEqual(Fit(o).ItemFactors.ToArray());
    }

    [Fact]
    public void Deterministic_SameWeightsWhateverTheThreadCount_AndLearnsAsWellAsSequentialSgd()
    {
        // 40 users in 4 taste groups over 600 items: each user's positives are in its group.
        var rng = new Random(3);
        var pairs = Enumerable.Range(0, 40).SelectMany(u => Enumerable.Range(0, 12).Select(_ => ($"u{u}", $"i{(u % 4) + 4 * rng.Next(150)}"))).Distinct().ToList();
        var data = TinyData.Build(pairs, Enumerable.Range(0, 600).ToDictionary(i => $"i{i}", i => ""));
        BprModel Fit(int threads) => new BlairClipContext(5).Recommenders.Bpr(new BprOptions { Factors = 12, Epochs = 40, Threads = threads }).Fit(data);
        var one = Fit(1);
        foreach (int threads in new[] { 2, 3, 8 })
        {
            var many = Fit(threads);
            many.ItemFactors.ToArray().Should().Equal(one.ItemFactors.ToArray(), $"{threads} threads give the 1-thread weights bit for bit");
            many.UserFactors.ToArray().Should().Equal(one.UserFactors.ToArray());
            many.ItemBias.ToArray().Should().Equal(one.ItemBias.ToArray());
        }
        // It learns as well as sequential SGD: a user's own group outscores the other groups on average.
        int Right(BprModel m)
        {
            int right = 0;
            var scores = new float[data.Items.Count];
            for (int u = 0; u < 40; u++)
            {
                int user = data.Users.IndexOf($"u{u}");
                m.Score([new UserQuery(user, data.TrainHistories.Memory(user))], scores);
                double own = Enumerable.Range(0, 600).Where(i => i % 4 == u % 4).Average(i => scores[data.Items.IndexOf($"i{i}")]);
                double other = Enumerable.Range(0, 600).Where(i => i % 4 != u % 4).Average(i => scores[data.Items.IndexOf($"i{i}")]);
                if (own > other) right++;
            }
            return right;
        }
        var sequential = new BlairClipContext(5).Recommenders.Bpr(new BprOptions { Factors = 12, Epochs = 40, Threads = 1, Schedule = BprSchedule.Hogwild }).Fit(data);
        Right(one).Should().BeGreaterThanOrEqualTo(38).And.BeGreaterThanOrEqualTo(Right(sequential) - 1);
    }

    [Theory]
    [InlineData(64, 1)]
    [InlineData(64, 2)]
    [InlineData(12, 3)]
    [InlineData(17, 8)]
    public void Deterministic_EqualsTheStraightforwardMiniBatchOracle(int factors, int threads)
    {
        // A head of 8 items in half the interactions (rows shared between members), users with up to 40 interactions
        // (rows several samples of one member touch), a long tail of single users and items (updated in place), and
        // 3 batches with a partial last one.
        var rng = new Random(9);
        var pairs = new List<(string, string)>();
        for (int u = 0; pairs.Count < 2600; u++)
            for (int e = u % 13 == 0 ? 40 : 1 + u % 3; e > 0; e--)
                pairs.Add(($"u{u}", rng.Next(2) == 0 ? $"h{rng.Next(8)}" : $"t{rng.Next(3000)}"));
        var data = TinyData.Build(pairs.Distinct().ToList());
        var o = new BprOptions { Factors = factors, Epochs = 3, Threads = threads, Seed = 11 };
        var fitted = new BlairClipContext(5).Recommenders.Bpr(o).Fit(data);
        var init = new BlairClipContext(5).Recommenders.Bpr(o with { Epochs = 0 }).Fit(data);
        var (p, q, b) = (init.UserFactors.ToArray(), init.ItemFactors.ToArray(), init.ItemBias.ToArray());
        BprMiniBatchOracle.Train(o, data.Train, data.TrainHistories, data.Items.Count, 11, p, q, b);
        p.Should().NotEqual(init.UserFactors.ToArray(), "the oracle trained");
        fitted.UserFactors.ToArray().Should().Equal(p, "user factors bit for bit");
        fitted.ItemFactors.ToArray().Should().Equal(q, "item factors bit for bit");
        fitted.ItemBias.ToArray().Should().Equal(b, "item biases bit for bit");
    }

    [Fact]
    public void StreamSeed_IsAFixedFunction_SameInEveryProcess()
    {
        // Values pinned so that a per-process randomised hash (e.g. HashCode.Combine) would fail here in a new process.
        BprMatrixFactorization.StreamSeed(42, 0, 0).Should().Be(BprMatrixFactorization.StreamSeed(42, 0, 0));
        new[] { BprMatrixFactorization.StreamSeed(42, 0, 0), BprMatrixFactorization.StreamSeed(42, 1, 0), BprMatrixFactorization.StreamSeed(42, 0, 1) }
            .Should().OnlyHaveUniqueItems();
        BprMatrixFactorization.StreamSeed(42, 3, 1).Should().Be(PinnedStreamSeed);
    }

    private const int PinnedStreamSeed = 1958000848; // computed independently in Python (SplitMix64 finaliser)

    [Fact]
    public void Fit_ZeroEpochs_KeepsInitialisationAndZeroBias()
    {
        var m = Fit(new BprOptions { Factors = 3, Epochs = 0, InitStd = 0.1f });
        m.ItemBias.ToArray().Should().OnlyContain(b => b == 0f);
        m.ItemFactors.ToArray().Should().Contain(v => v != 0f);
    }

    [Fact]
    public void Fit_TwoClusters_RanksOwnClusterAboveTheOther()
    {
        // u1/u2 share a, b, c; u3 has d, e. After training, u1's unseen cluster-mate scores above the other cluster.
        var data = TinyData.Build([("u1", "a"), ("u1", "b"), ("u2", "a"), ("u2", "b"), ("u2", "c"), ("u3", "d"), ("u3", "e"), ("u4", "d"), ("u4", "e"), ("u4", "f")]);
        var m = new BlairClipContext(1).Recommenders.Bpr(new BprOptions { Factors = 8, Epochs = 300, Threads = 1 }).Fit(data);
        var scores = new float[data.Items.Count];
        m.Score([new UserQuery(data.Users.IndexOf("u1"), data.TrainHistories.Memory(data.Users.IndexOf("u1")))], scores);
        scores[data.Items.IndexOf("c")].Should().BeGreaterThan(scores[data.Items.IndexOf("f")]);
    }

    [Fact]
    public void Score_UnknownUser_FoldsInMeanOfHistoryFactors()
    {
        var m = Fit(new BprOptions { Factors = 4, Epochs = 3, Threads = 1 });
        int k = m.Factors;
        var q = m.ItemFactors.ToArray();
        var b = m.ItemBias.ToArray();
        var scores = new float[m.ItemCount];
        m.Score([new UserQuery(-1, new[] { 0, 3 })], scores);
        for (int i = 0; i < m.ItemCount; i++)
        {
            double expected = b[i];
            for (int f = 0; f < k; f++) expected += (q[0 * k + f] + q[3 * k + f]) / 2 * q[i * k + f];
            scores[i].Should().BeApproximately((float)expected, 1e-5f);
        }
    }

    [Theory]
    [InlineData("factors", 0)]
    [InlineData("epochs", -1)]
    [InlineData("threads", -2)]
    public void Constructor_InvalidOption_NamesIt(string option, int value)
    {
        var o = option switch
        {
            "factors" => new BprOptions { Factors = value },
            "epochs" => new BprOptions { Epochs = value },
            _ => new BprOptions { Threads = value },
        };
        FluentActions.Invoking(() => new BlairClipContext().Recommenders.Bpr(o)).Should().Throw<InvalidOptionException>()
            .WithMessage($"`{option}` *, but was {value}");
    }

    [Fact]
    public void Conformance_SaveReload_SameScores() =>
        EstimatorConformance.Check(new BlairClipContext().Recommenders.Bpr(new BprOptions { Factors = 4, Epochs = 2 }), TinyData.Small(),
            null);
}
