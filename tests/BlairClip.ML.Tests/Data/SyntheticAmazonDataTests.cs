using BlairClip.ML.Core;
using BlairClip.ML.Data;
using FluentAssertions;

namespace BlairClip.ML.Tests.Data;

/// <summary><c>data synth</c>: exact counts, long tails, per-user time order, determinism, and files our loader reads.</summary>
public sealed class SyntheticAmazonDataTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static readonly SyntheticDataOptions Small = new() { Users = 5000, Items = 800, Interactions = 6500, TextWords = 12, Seed = 3 };

    [Fact]
    public void Write_ExactCounts_LongTails_AndTheLoaderReadsIt()
    {
        var written = SyntheticAmazonData.Write(Small, Path.Combine(_files.Dir, "a"));
        written.Interactions.Should().Be(6500);
        var data = AmazonReviewsLoader.Load(new AmazonReviewsOptions { Reviews = written.Reviews, Meta = written.Meta }, _files.Dir);
        data.Events.Count.Should().Be(6500);
        data.Users.Count.Should().Be(5000, "every user has at least one review");
        var perUser = data.Events.User.GroupBy(u => u).Select(g => g.Count()).ToArray();
        perUser.Count(c => c >= 2).Should().Be(written.RepeatUsers).And.BeInRange(500, 900, "about 13.7 % of users repeat");
        perUser.Max().Should().BeGreaterThan(10, "user activity has a long tail");
        var perItem = data.Events.Item.GroupBy(i => i).Select(g => g.Count()).OrderDescending().ToArray();
        perItem.Take(perItem.Length / 10).Sum().Should().BeGreaterThan(6500 / 3, "the top 10 % of items hold much of the traffic (Zipf)");
        for (int k = 1; k < data.Events.Count; k++)
            if (data.Events.User[k] == data.Events.User[k - 1]) data.Events.Timestamp[k].Should().BeGreaterThan(data.Events.Timestamp[k - 1]);
        var texts = DataViews.DataViewColumns.Text(data.ItemTable, ItemColumns.Text, "test");
        texts.Should().OnlyContain(t => t.Split(' ').Length >= 12 + 3);

        SyntheticAmazonData.Write(Small, Path.Combine(_files.Dir, "b"));
        File.ReadAllBytes(Path.Combine(_files.Dir, "b", "reviews.jsonl")).Should().Equal(File.ReadAllBytes(written.Reviews), "same seed, same files");
        FluentActions.Invoking(() => SyntheticAmazonData.Write(Small, Path.Combine(_files.Dir, "a"))).Should().Throw<IOException>().WithMessage("*never overwrites*");
        FluentActions.Invoking(() => SyntheticAmazonData.Write(Small with { Interactions = 10 }, Path.Combine(_files.Dir, "c")))
            .Should().Throw<InvalidOptionException>().Which.Option.Should().Be("interactions");
    }
}
