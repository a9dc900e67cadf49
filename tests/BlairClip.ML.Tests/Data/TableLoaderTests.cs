using BlairClip.ML.Core;
using BlairClip.ML.Data;
using BlairClip.ML.Tests.Conformance;
using FluentAssertions;

namespace BlairClip.ML.Tests.Data;

public class TableLoaderTests
{
    private static TableOptions Options(string interactions = "t.csv", string? items = "a.csv") => new()
    {
        Interactions = new() { Path = interactions, User = "customer_id", Item = "article_id", Timestamp = "t_dat" },
        Items = items is null ? null : new() { Path = items, Id = "article_id", Title = "prod_name" },
        ItemText = items is null ? [] : ["prod_name", "detail_desc"],
    };

    private static readonly string[] Articles =
    [
        "article_id,prod_name,detail_desc",
        "0108775015,Strap top,\"Jersey top with narrow, adjustable straps.\"",
        "0110065001,\"OP T-shirt \"\"Idro\"\"\",\"Microfibre bra.",
        "Second line of the description.\"",
        "0200000001,Unsold,",
    ];

    private static readonly string[] Transactions =
    [
        "t_dat,customer_id,article_id,price",
        "2018-09-20,c1,0110065001,0.02",
        "2018-09-21,c2,0108775015,0.04",
        "2018-09-20T10:00:00Z,c1,0108775015,0.01",
    ];

    [Fact]
    public void Load_CsvWithQuotesAndNewlines_ReadsFieldsExactly()
    {
        using var f = new TestFiles();
        f.Write("a.csv", Articles); f.Write("t.csv", Transactions);
        var data = TableLoader.Load(Options(), f.Dir);

        data.Items.Ids.Should().Equal("0108775015", "0110065001"); // leading zeros kept; the unsold item is not in the catalog
        TestColumns.TextValues(data.ItemTable, ItemColumns.Title).ToArray().Should().Equal("Strap top", "OP T-shirt \"Idro\"");
        TestColumns.TextValues(data.ItemTable, ItemColumns.Text).ToArray().Should().Equal(
            "Strap top Jersey top with narrow, adjustable straps.",
            "OP T-shirt \"Idro\" Microfibre bra.\nSecond line of the description.");
        data.Users.Ids.Should().Equal("c1", "c2");
        data.Events.Item.Should().Equal(1, 0, 0);
        long day = 86_400_000L, sep20 = 1537401600000L;
        data.Events.Timestamp.Should().Equal(sep20, sep20 + day, sep20 + 10 * 3_600_000L);
        data.Events.Rating.Should().OnlyContain(r => float.IsNaN(r));
        data.Report.Get("items_without_interactions").Should().Be(1);
    }

    [Fact]
    public void Load_TsvAndJsonlGz_SameAsCsv()
    {
        using var f = new TestFiles();
        f.Write("a.csv", Articles); f.Write("t.csv", Transactions);
        f.Write("t.tsv", Transactions.Select(l => l.Replace(',', '\t')).ToArray());
        f.Write("a.jsonl.gz",
            """{"article_id": "0108775015", "prod_name": "Strap top", "detail_desc": "Jersey top with narrow, adjustable straps."}""",
            """{"article_id": "0110065001", "prod_name": "OP T-shirt \"Idro\"", "detail_desc": ["Microfibre bra.\nSecond line of the description."]}""",
            """{"article_id": "0200000001", "prod_name": "Unsold", "detail_desc": null}""");
        var csv = TableLoader.Load(Options(), f.Dir);
        var other = TableLoader.Load(Options("t.tsv", "a.jsonl.gz"), f.Dir);
        other.Items.Ids.Should().Equal(csv.Items.Ids);
        other.Events.Timestamp.Should().Equal(csv.Events.Timestamp);
        TestColumns.TextValues(other.ItemTable, ItemColumns.Text)
            .Should().Equal(TestColumns.TextValues(csv.ItemTable, ItemColumns.Text));
    }

    [Fact]
    public void Load_UnknownColumn_ErrorNamesKeyAndListsHeader()
    {
        using var f = new TestFiles();
        f.Write("a.csv", Articles); f.Write("t.csv", Transactions);
        var options = Options() with { Interactions = Options().Interactions with { User = "customer" } };
        var act = () => TableLoader.Load(options, f.Dir);
        act.Should().Throw<InvalidOptionException>().WithMessage(
            "`interactions.user` must name a column of t.csv, whose header is [t_dat, customer_id, article_id, price], but was 'customer'");
    }

    [Fact]
    public void Load_UnknownItemTextColumn_ErrorNamesItemText()
    {
        using var f = new TestFiles();
        f.Write("a.csv", Articles); f.Write("t.csv", Transactions);
        var act = () => TableLoader.Load(Options() with { ItemText = ["colour"] }, f.Dir);
        act.Should().Throw<InvalidOptionException>().WithMessage("`item_text` must name a column of a.csv*but was 'colour'");
    }

    [Theory]
    [InlineData("2018-09-20,c1,0110065001", "t.csv line 2: expected 4 fields as in the header, but found 3")]
    [InlineData("yesterday,c1,0110065001,1", "t.csv line 2: column 't_dat' must hold an integer or an ISO date*but was 'yesterday'")]
    [InlineData("2018-02-30,c1,0110065001,1", "t.csv line 2: column 't_dat' must hold*but was '2018-02-30'")]
    [InlineData("\"2018-09-20\"x,c1,0110065001,1", "t.csv line 2: unexpected 'x' after the closing quote of field 1*(column 13)")]
    [InlineData("2018-09-20,\"c1,0110065001,1", "t.csv line 2: field 2 opens a quote that is never closed*")]
    [InlineData("2018-09-20,,0110065001,1", "t.csv line 2: column 'customer_id' (interactions.user) is empty")]
    public void Load_BadRecord_ErrorNamesFileAndLine(string record, string message)
    {
        using var f = new TestFiles();
        f.Write("a.csv", Articles); f.Write("t.csv", Transactions[0], record, Transactions[1]);
        var act = () => TableLoader.Load(Options(), f.Dir);
        act.Should().Throw<DataFormatException>().WithMessage(message);
    }

    [Fact]
    public void Load_MixedTimestampKinds_Error()
    {
        using var f = new TestFiles();
        f.Write("a.csv", Articles); f.Write("t.csv", Transactions[0], Transactions[1], "1537401600000,c2,0110065001,1");
        var act = () => TableLoader.Load(Options(), f.Dir);
        act.Should().Throw<DataFormatException>().WithMessage("t.csv line 3: column 't_dat' must not mix integers and dates*");
    }

    [Fact]
    public void Load_SkipPolicy_SkipsBadRecordsAndCountsUnknownItems()
    {
        using var f = new TestFiles();
        f.Write("a.csv", Articles);
        f.Write("t.csv", Transactions[0], "bad,c1,0110065001,1", "2018-09-20,c1", Transactions[1], "2018-09-22,c3,0999999999,1",
            "2018-09-23,c4,\"0108775015");
        var data = TableLoader.Load(Options() with { OnBadLine = BadLinePolicy.Skip }, f.Dir);
        data.Events.Count.Should().Be(1);
        data.Report.Get("interactions_bad_lines_skipped").Should().Be(3);
        data.Report.Get("interactions_dropped_unknown_item").Should().Be(1);
    }

    [Fact]
    public void Load_NoItemFile_CatalogFromInteractions()
    {
        using var f = new TestFiles();
        f.Write("t.csv", "user,item,ts,stars", "u1,i9,3,4.5", "u2,i1,1,", "u1,i1,2,2");
        var data = TableLoader.Load(new TableOptions
        {
            Interactions = new() { Path = "t.csv", User = "user", Item = "item", Timestamp = "ts", Rating = "stars" },
        }, f.Dir);
        data.Items.Ids.Should().Equal("i9", "i1");
        data.Events.Rating.Should().Equal(4.5f, float.NaN, 2f);
        TestColumns.TextValues(data.ItemTable, ItemColumns.Text).ToArray().Should().Equal("", "");
    }

    [Fact]
    public void Load_ImageTemplate_SubstringFolder()
    {
        using var f = new TestFiles();
        f.Write("a.csv", Articles); f.Write("t.csv", Transactions);
        f.Write("images/010/0108775015.jpg", "x");
        var data = TableLoader.Load(Options() with { Images = "images/{item:0:3}/{item}.jpg" }, f.Dir);
        TestColumns.TextValues(data.ItemTable, ItemColumns.ImagePath).ToArray()
            .Should().Equal(Path.Combine(f.Dir, "images", "010", "0108775015.jpg"), "");
        data.Report.Get("images_found").Should().Be(1);
        data.Report.Get("images_missing").Should().Be(1);
    }
}
