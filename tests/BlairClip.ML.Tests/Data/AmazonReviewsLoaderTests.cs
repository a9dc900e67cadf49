using System.Diagnostics;
using BlairClip.ML.Core;
using BlairClip.ML.Data;
using BlairClip.ML.Split;
using BlairClip.ML.Tests.Conformance;
using BlairClip.ML.Tests.IO;
using FluentAssertions;
using Xunit.Abstractions;

namespace BlairClip.ML.Tests.Data;

public class AmazonReviewsLoaderTests(ITestOutputHelper output)
{
    private static string Review(string user, string item, long ts, double rating = 5) =>
        $"{{\"rating\": {rating}, \"title\": \"t\", \"parent_asin\": \"{item}\", \"user_id\": \"{user}\", \"timestamp\": {ts}, \"verified_purchase\": true}}";

    private static readonly string[] Meta =
    [
        """{"title": "Red Lipstick", "description": ["Long lasting.", "", "Matte finish."], "features": ["vegan"], "parent_asin": "A1"}""",
        """{"title": "Beard Oil", "description": [], "features": null, "details": {"Brand": "X"}, "parent_asin": "B2"}""",
        """{"title": null, "description": ["Only a description"], "features": [], "parent_asin": "C3"}""",
        """{"title": "Never bought", "description": [], "features": [], "parent_asin": "D4"}""",
    ];

    private static LoadedData Load(TestFiles f, string reviews = "r.jsonl", string meta = "m.jsonl", Func<AmazonReviewsOptions, AmazonReviewsOptions>? with = null)
    {
        var options = new AmazonReviewsOptions { Reviews = reviews, Meta = meta };
        return AmazonReviewsLoader.Load(with?.Invoke(options) ?? options, f.Dir);
    }

    [Fact]
    public void Load_HandFiles_BuildsIdsEventsAndItemTable()
    {
        using var f = new TestFiles();
        f.Write("m.jsonl", Meta);
        f.Write("r.jsonl", Review("u1", "B2", 20), Review("u2", "A1", 10, 3), Review("u1", "A1", 30), Review("u3", "C3", 5));
        var data = Load(f);

        data.Users.Ids.Should().Equal("u1", "u2", "u3");
        data.Items.Ids.Should().Equal("A1", "B2", "C3"); // meta file order; D4 has no interaction
        data.Events.User.Should().Equal(0, 1, 0, 2);
        data.Events.Item.Should().Equal(1, 0, 0, 2);
        data.Events.Timestamp.Should().Equal(20L, 10L, 30L, 5L);
        data.Events.Rating.Should().Equal(5f, 3f, 5f, 5f);
        TestColumns.TextValues(data.ItemTable, ItemColumns.Text).ToArray().Should().Equal(
            "Red Lipstick Long lasting. Matte finish. vegan", "Beard Oil", "Only a description");
        TestColumns.TextValues(data.ItemTable, ItemColumns.Title).ToArray().Should().Equal("Red Lipstick", "Beard Oil", "");
        TestColumns.TextValues(data.ItemTable, ItemColumns.ImagePath).ToArray().Should().Equal("", "", "");
        data.Report.Get("items_without_interactions").Should().Be(1);
    }

    [Fact]
    public void Load_ReviewText_JoinsTheNamedFieldsPerEvent_AndFilterAndSplitKeepThemAligned()
    {
        using var f = new TestFiles();
        f.Write("m.jsonl", Meta);
        f.Write("r.jsonl",
            """{"user_id": "u1", "parent_asin": "B2", "timestamp": 20, "title": "Great oil", "text": "Smells of cedar."}""",
            """{"user_id": "u2", "parent_asin": "A1", "timestamp": 10, "title": "", "text": ["Too", "dark"]}""",
            """{"user_id": "u1", "parent_asin": "A1", "timestamp": 30, "text": "Lasts all day."}""",
            """{"user_id": "u1", "parent_asin": "C3", "timestamp": 40}""",
            """{"user_id": "u3", "parent_asin": "Z9", "timestamp": 45, "title": "not in meta", "text": "dropped"}""",
            """{"user_id": "u2", "parent_asin": "B2", "timestamp": 50, "title": "ok", "text": null}""");
        Load(f).Events.Review.Should().BeNull("review texts are loaded only when asked for");
        var data = Load(f, with: o => o with { ReviewText = ["title", "text"] });
        data.Events.Review.Should().Equal("Great oil Smells of cedar.", "Too dark", "Lasts all day.", "", "ok");
        data.Events.Timestamp.Should().Equal([20L, 10, 30, 40, 50], "the review of an item missing from meta is dropped with its event");
        data.Report.Get("interactions_dropped_unknown_item").Should().Be(1);

        // Leave-one-out keeps each training event's own review: u1's last (C3, no text) and u2's last (B2) are held out.
        var split = new BlairClipContext().Data.LeaveOneOut(data);
        split.Train.Review.Should().Equal("Great oil Smells of cedar.", "Too dark", "Lasts all day.");
        split.Train.Item.Should().Equal(1, 0, 0);
    }

    [Fact]
    public void Load_FilesOfManyParseBatches_SameAsReadingLineByLine()
    {
        // 70,000 meta lines and 150,000 review lines: several batches of chunks on any number of cores up to 4, parsed
        // while the batch before is applied. Users interleave (so their numbers depend on file order), a late meta line
        // repeats an item, some reviews name unknown items.
        var rng = new Random(4);
        var meta = Enumerable.Range(0, 70_000).Select(i => $"{{\"title\": \"item {i}\", \"description\": [], \"features\": [], \"parent_asin\": \"I{i}\"}}").ToList();
        meta.Insert(60_000, """{"title": "again", "description": [], "features": [], "parent_asin": "I5"}""");
        var rows = Enumerable.Range(0, 150_000).Select(k => (User: $"U{rng.Next(40_000)}", Item: rng.Next(20) == 0 ? $"X{k}" : $"I{rng.Next(70_000)}", Ts: (long)k)).ToList();
        using var f = new TestFiles();
        f.Write("m.jsonl", meta.ToArray());
        f.Write("r.jsonl", rows.Select(r => Review(r.User, r.Item, r.Ts)).ToArray());
        var data = Load(f);

        // The expected result, line by line.
        var users = new List<string>();
        var userIndex = new Dictionary<string, int>();
        var known = rows.Where(r => r.Item[0] == 'I').ToList();
        foreach (var r in known)
            if (userIndex.TryAdd(r.User, users.Count)) users.Add(r.User);
        var interacted = known.Select(r => r.Item).ToHashSet();
        var items = Enumerable.Range(0, 70_000).Select(i => $"I{i}").Where(interacted.Contains).ToList();
        var itemIndex = items.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);

        data.Users.Ids.Should().Equal(users);
        data.Items.Ids.Should().Equal(items);
        data.Events.User.Should().Equal(known.Select(r => userIndex[r.User]));
        data.Events.Item.Should().Equal(known.Select(r => itemIndex[r.Item]));
        data.Events.Timestamp.Should().Equal(known.Select(r => r.Ts));
        data.Report.Get("meta_duplicate_items_ignored").Should().Be(1);
        data.Report.Get("interactions_dropped_unknown_item").Should().Be(rows.Count - known.Count);
        TestColumns.TextValues(data.ItemTable, ItemColumns.Title).ToArray()[itemIndex.GetValueOrDefault("I5", 0)]
            .Should().Be(interacted.Contains("I5") ? "item 5" : TestColumns.TextValues(data.ItemTable, ItemColumns.Title).ToArray()[0], "the first line of a repeated item wins");
    }

    [Fact]
    public void Load_BadLineInALateBatch_ErrorNamesItsLine()
    {
        var lines = Enumerable.Range(0, 120_000).Select(k => Review($"U{k % 977}", "A1", k)).ToArray();
        lines[100_000] = "{\"user_id\": \"u\", \"parent_asin\": \"A1\", \"timestamp\": }";
        using var f = new TestFiles();
        f.Write("m.jsonl", Meta);
        f.Write("r.jsonl", lines);
        FluentActions.Invoking(() => Load(f)).Should().Throw<DataFormatException>().WithMessage("r.jsonl line 100001:*");
    }

    [Fact]
    public void Load_AFolderOrANonGzipDotGz_SaysWhatIsWrongWithThatPath()
    {
        using var f = new TestFiles();
        f.Write("m.jsonl", Meta);
        Directory.CreateDirectory(Path.Combine(f.Dir, "reviews"));
        FluentActions.Invoking(() => Load(f, reviews: "reviews")).Should().Throw<IOException>()
            .WithMessage("`reviews`: 'reviews' is a folder*give the data file in it*");
        f.Write("plain.jsonl", Review("u1", "A1", 1));
        File.Move(Path.Combine(f.Dir, "plain.jsonl"), Path.Combine(f.Dir, "fake.jsonl.gz"));
        FluentActions.Invoking(() => Load(f, reviews: "fake.jsonl.gz")).Should().Throw<InvalidDataException>()
            .WithMessage("*fake.jsonl.gz is named .gz but is not gzip data (first bytes 7B22)*");
    }

    [Fact]
    public void Load_CatalogAll_KeepsItemsWithoutInteractions()
    {
        using var f = new TestFiles();
        f.Write("m.jsonl", Meta);
        f.Write("r.jsonl", Review("u1", "B2", 20));
        var data = Load(f, with: o => o with { Catalog = CatalogScope.All });
        data.Items.Ids.Should().Equal("A1", "B2", "C3", "D4");
        data.Events.Item.Should().Equal(1);
        data.Report.Get("items_without_interactions").Should().Be(3);
    }

    [Fact]
    public void Load_ItemTextFieldsInGivenOrder_ObjectsAsNameValuePairs()
    {
        using var f = new TestFiles();
        f.Write("m.jsonl", Meta);
        f.Write("r.jsonl", Review("u1", "B2", 20));
        var data = Load(f, with: o => o with { ItemText = ["details", "title"] });
        TestColumns.TextValues(data.ItemTable, ItemColumns.Text)[0].Should().Be("Brand X Beard Oil");
    }

    [Fact]
    public void Load_UnknownItem_DroppedAndCounted()
    {
        using var f = new TestFiles();
        f.Write("m.jsonl", Meta);
        f.Write("r.jsonl", Review("u1", "ZZ", 1), Review("u2", "A1", 2), Review("u1", "ZZ", 3));
        var data = Load(f);
        data.Report.Get("interactions_dropped_unknown_item").Should().Be(2);
        data.Users.Ids.Should().Equal("u2"); // u1's only events were dropped, so u1 is not a user
        data.Events.Count.Should().Be(1);
    }

    [Fact]
    public void Load_MalformedLine_ErrorNamesFileLineAndColumn()
    {
        using var f = new TestFiles();
        f.Write("m.jsonl", Meta);
        f.Write("All_Beauty.jsonl", Review("u1", "A1", 1), Review("u1", "B2", 2), "", Review("u2", "A1", 3),
            """{"user_id": "u3" "parent_asin": "A1", "timestamp": 4}""");
        var act = () => Load(f, reviews: "All_Beauty.jsonl");
        var e = act.Should().Throw<DataFormatException>().Which;
        e.Message.Should().StartWith("All_Beauty.jsonl line 5: ");
        e.Line.Should().Be(5);
        // '"parent_asin"' starts at byte offset 17: the reader expected ',' or '}' there.
        e.Column.Should().Be(18);
        e.Message.Should().EndWith("(column 18)");
        e.Message.Should().NotContain("LineNumber");
    }

    [Theory]
    [InlineData("""{"parent_asin": "A1", "timestamp": 4}""", "missing required field 'user_id'")]
    [InlineData("""{"user_id": "u", "timestamp": 4}""", "missing required field 'parent_asin'")]
    [InlineData("""{"user_id": "u", "parent_asin": "A1"}""", "missing required field 'timestamp'")]
    [InlineData("""{"user_id": "", "parent_asin": "A1", "timestamp": 4}""", "field 'user_id' is empty")]
    [InlineData("""{"user_id": "u", "parent_asin": "A1", "timestamp": 4.5}""", "field 'timestamp' must be an integer timestamp, but was 4.5")]
    [InlineData("""{"user_id": "u", "parent_asin": "A1", "timestamp": 4, "rating": "five"}""", "field 'rating' must be a number or null, but is a string")]
    [InlineData("""[1, 2]""", "expected a JSON object, but the line starts with an array")]
    [InlineData("""{"user_id": "u", "parent_asin": "A1", "timestamp": 4} x""", "'x' is invalid after a single JSON value")]
    public void Load_BadField_ErrorNamesFileLineAndField(string line, string problem)
    {
        using var f = new TestFiles();
        f.Write("m.jsonl", Meta);
        f.Write("r.jsonl", Review("u1", "A1", 1), line);
        var act = () => Load(f);
        var e = act.Should().Throw<DataFormatException>().Which;
        e.Message.Should().StartWith("r.jsonl line 2: ");
        e.Problem.Should().StartWith(problem);
    }

    [Fact]
    public void Load_InvalidUtf8InId_ErrorNamesLine()
    {
        using var f = new TestFiles();
        f.Write("m.jsonl", Meta);
        var path = f.Write("r.jsonl", Review("u1", "A1", 1));
        File.AppendAllBytes(path, [.. "{\"user_id\": \"u"u8, 0xC3, 0x28, .. "\", \"parent_asin\": \"A1\", \"timestamp\": 2}\n"u8]);
        var act = () => Load(f);
        act.Should().Throw<DataFormatException>().Which.Message.Should().Be("r.jsonl line 2: invalid UTF-8 in a string (column 13)");
    }

    [Fact]
    public void Load_SkipPolicy_SkipsAndCountsBadLines()
    {
        using var f = new TestFiles();
        f.Write("m.jsonl", [.. Meta, "{not json", """{"title": "no id"}"""]);
        f.Write("r.jsonl", Review("u1", "A1", 1), "{\"user_id\": ", Review("u2", "B2", 2), """{"parent_asin": "A1", "timestamp": 4}""");
        var data = Load(f, with: o => o with { OnBadLine = BadLinePolicy.Skip });
        data.Events.Count.Should().Be(2);
        data.Report.Get("reviews_bad_lines_skipped").Should().Be(2);
        data.Report.Get("meta_bad_lines_skipped").Should().Be(2);
    }

    [Fact]
    public void Load_MetaMissingParentAsin_ErrorNamesField()
    {
        using var f = new TestFiles();
        f.Write("meta.jsonl", Meta[0], """{"title": "no id"}""");
        f.Write("r.jsonl", Review("u1", "A1", 1));
        var act = () => Load(f, meta: "meta.jsonl");
        act.Should().Throw<DataFormatException>().WithMessage("meta.jsonl line 2: missing required field 'parent_asin'");
    }

    [Fact]
    public void Load_ItemTextFieldInNoLine_ErrorListsFields()
    {
        using var f = new TestFiles();
        f.Write("m.jsonl", Meta);
        f.Write("r.jsonl", Review("u1", "A1", 1));
        var act = () => Load(f, with: o => o with { ItemText = ["title", "descripton"] });
        act.Should().Throw<InvalidOptionException>().Which.Message.Should()
            .Contain("`item_text`").And.Contain("'descripton'").And.Contain("[title, description, features, parent_asin]");
    }

    [Fact]
    public void Load_GzipFiles_SameAsPlain()
    {
        using var f = new TestFiles();
        string[] reviews = [Review("u1", "B2", 20), Review("u2", "A1", 10, 3)];
        f.Write("m.jsonl", Meta); f.Write("r.jsonl", reviews);
        f.Write("m.jsonl.gz", Meta); f.Write("r.jsonl.gz", reviews);
        var plain = Load(f);
        var gz = Load(f, "r.jsonl.gz", "m.jsonl.gz");
        gz.Users.Ids.Should().Equal(plain.Users.Ids);
        gz.Items.Ids.Should().Equal(plain.Items.Ids);
        gz.Events.Item.Should().Equal(plain.Events.Item);
        TestColumns.TextValues(gz.ItemTable, ItemColumns.Text)
            .Should().Equal(TestColumns.TextValues(plain.ItemTable, ItemColumns.Text));
    }

    [Fact]
    public void Load_MultiMemberGzipFromGzipTool_ReadsEveryLine()
    {
        var fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "data", "All_Beauty.head30.jsonl.gz");
        var data = AmazonReviewsLoader.Load(new AmazonReviewsOptions
        {
            Reviews = fixture, Meta = Path.Combine(RepoPaths.AllBeauty, "meta_All_Beauty.jsonl"), Catalog = CatalogScope.Interacted,
        }, RepoPaths.AllBeauty);
        data.Events.Count.Should().Be(30);
        data.Users.Count.Should().Be(3);
        data.Items.Count.Should().Be(29);
        // Line 30 (second gzip member): AFJBKPK5W56XWSNPQU2WW66ISWYQ, B08SQ31H8P, 1615701950469.
        data.Users[data.Events.User[29]].Should().Be("AFJBKPK5W56XWSNPQU2WW66ISWYQ");
        data.Items[data.Events.Item[29]].Should().Be("B08SQ31H8P");
        data.Events.Timestamp[29].Should().Be(1615701950469);
    }

    /// <summary>Review lines <paramref name="from"/> to <paramref name="to"/> (1-based), each ending in a newline.</summary>
    private static byte[] ReviewLines(int from, int to) => System.Text.Encoding.UTF8.GetBytes(string.Concat(
        Enumerable.Range(from, to - from + 1).Select(i => Review($"u{i % 7}", i % 2 == 0 ? "A1" : "B2", i) + "\n")));

    [Theory]
    [InlineData("cut at a flush point", 120, "the file ends inside the deflate data of gzip member 2 (from byte *) after * decompressed bytes: it is cut short")]
    [InlineData("trailer missing", 200, "gzip member 2 (from byte *) has no trailer matching its data*")]
    [InlineData("CRC32 wrong", 200, "gzip member 2 (from byte *) fails its CRC32 check*")]
    [InlineData("length wrong", 200, "gzip member 2 (from byte *) records a length of*")]
    [InlineData("garbage appended", 200, "the bytes after gzip member 2 (from byte *) are not another gzip member*")]
    public void Load_DamagedGzip_IsAnErrorNamingTheFileAndTheLineReached(string damage, int linesRead, string problem)
    {
        using var f = new TestFiles();
        f.Write("m.jsonl", Meta);
        var second = damage == "cut at a flush point" ? GzipBytes.CutAtFlush(ReviewLines(81, 120)) : GzipBytes.Member(ReviewLines(81, 200));
        second = damage switch
        {
            "trailer missing" => GzipBytes.WithoutTrailer(second),
            "CRC32 wrong" => GzipBytes.WithWrongCrc(second),
            "length wrong" => GzipBytes.WithWrongLength(second),
            "garbage appended" => GzipBytes.Concat(second, "<html>"u8.ToArray()),
            _ => second,
        };
        var path = Path.Combine(f.Dir, "r.jsonl.gz");
        File.WriteAllBytes(path, GzipBytes.Concat(GzipBytes.Member(ReviewLines(1, 80)), second));
        FluentActions.Invoking(() => Load(f, reviews: "r.jsonl.gz")).Should().Throw<BlairClip.ML.IO.GzipDataException>()
            .WithMessage($"{path}: damaged gzip data after line {linesRead}: {problem} (at compressed byte *)");
    }

    [Fact]
    public void Load_GzipWithEmptyMembersAndZeroPadding_ReadsEveryLine()
    {
        using var f = new TestFiles();
        f.Write("m.jsonl", Meta);
        File.WriteAllBytes(Path.Combine(f.Dir, "r.jsonl.gz"), GzipBytes.Concat(GzipBytes.Member([]), GzipBytes.Member(ReviewLines(1, 80)),
            GzipBytes.Member([]), GzipBytes.Member(ReviewLines(81, 200)), new byte[512]));
        Load(f, reviews: "r.jsonl.gz").Events.Count.Should().Be(200);
    }

    [Fact]
    public void Load_MissingFile_ErrorNamesKey()
    {
        using var f = new TestFiles();
        f.Write("m.jsonl", Meta);
        var act = () => Load(f, reviews: "nope.jsonl");
        act.Should().Throw<FileNotFoundException>().WithMessage("`reviews`: file 'nope.jsonl' not found*");
    }

    [Fact]
    public void Load_ImageTemplate_ResolvesExistingFilesAndCounts()
    {
        using var f = new TestFiles();
        f.Write("m.jsonl", Meta);
        f.Write("r.jsonl", Review("u1", "A1", 1), Review("u1", "B2", 2));
        f.Write("img/A/A1.jpg", "not really a jpeg");
        var data = Load(f, with: o => o with { Images = "img/{item:0:1}/{item}.jpg" });
        TestColumns.TextValues(data.ItemTable, ItemColumns.ImagePath).ToArray()
            .Should().Equal(Path.Combine(f.Dir, "img", "A", "A1.jpg"), "");
        data.Report.Get("images_found").Should().Be(1);
        data.Report.Get("images_missing").Should().Be(1);
    }

    [Fact]
    public void Load_EmbeddedAllBeautySample_HasPublishedCounts()
    {
        var sw = Stopwatch.StartNew();
        var data = new BlairClipContext().Data.LoadAmazonReviews(
            new AmazonReviewsOptions { Reviews = "All_Beauty.jsonl", Meta = "meta_All_Beauty.jsonl" }, RepoPaths.AllBeauty);
        output.WriteLine($"load: {sw.Elapsed.TotalMilliseconds:F1} ms");
        data.Events.Count.Should().Be(2535);
        data.Users.Count.Should().Be(253);
        data.Items.Count.Should().Be(356);
        data.ItemTable.RowCount.Should().Be(356);
        data.Report.Get("interactions_dropped_unknown_item").Should().Be(0);
        data.Report.Get("items_without_interactions").Should().Be(0);
        data.Items.Ids[0].Should().Be("B08LYT4Q2X"); // first meta line
        TestColumns.TextValues(data.ItemTable, ItemColumns.Title)[0].Should().StartWith("Organic Sweet Almond Oil");
    }
}
