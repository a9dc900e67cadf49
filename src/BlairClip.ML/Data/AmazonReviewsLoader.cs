using System.Text;
using System.Text.Json;
using BlairClip.ML.Core;
using BlairClip.ML.Data.Parsing;

namespace BlairClip.ML.Data;

/// <summary>Options of <see cref="AmazonReviewsLoader"/> (YAML <c>data: { format: amazon2023, … }</c>).
/// Paths are relative to the study spec's folder.</summary>
public sealed record AmazonReviewsOptions
{
    /// <summary>(path) Reviews JSON Lines, plain or <c>.jsonl.gz</c>: <c>user_id</c>, <c>parent_asin</c>,
    /// <c>timestamp</c> (integer ms) required; <c>rating</c> optional.</summary>
    public string Reviews { get; init; } = "";
    /// <summary>(path) Item metadata JSON Lines, plain or <c>.gz</c>: <c>parent_asin</c> required.</summary>
    public string Meta { get; init; } = "";
    /// <summary>(list of meta fields) Joined in this order into the item text: list fields' strings with single
    /// spaces, fields with one space; null, missing and empty fields are skipped.</summary>
    public IReadOnlyList<string> ItemText { get; init; } = ["title", "description", "features"];
    /// <summary>(list of review fields) Joined in this order into each interaction's review text (e.g. [title, text]),
    /// for models trained on reviews (BLaIR-CLIP's review objectives); empty = not loaded (no memory spent on it).</summary>
    public IReadOnlyList<string> ReviewText { get; init; } = [];
    /// <summary>(error | skip) What a malformed line does.</summary>
    public BadLinePolicy OnBadLine { get; init; } = BadLinePolicy.Error;
    /// <summary>(path template, optional) Local image per item, see <see cref="ImagePathTemplate"/>.</summary>
    public string? Images { get; init; }
    /// <summary>(interacted | all) Whether meta items without any interaction are in the catalog.</summary>
    public CatalogScope Catalog { get; init; } = CatalogScope.Interacted;
}

/// <summary>Loads Amazon Reviews 2023 (McAuley Lab) reviews and item metadata. Both files are streamed line by
/// line and each line is parsed from its UTF-8 bytes; only ids and item texts are kept. Lines of both files are parsed
/// on all cores, a bounded batch of line chunks at a time, and applied in file order while the next batch is parsed
/// (<see cref="ParallelLineParser"/>: same result as one thread).
/// <para>Report counts: <c>reviews_bad_lines_skipped</c>, <c>meta_bad_lines_skipped</c>,
/// <c>meta_duplicate_items_ignored</c> (a repeated <c>parent_asin</c>: the first line wins),
/// <c>interactions_dropped_unknown_item</c> (reviews of items missing from meta), <c>items_without_interactions</c>,
/// <c>images_found</c>/<c>images_missing</c> (with <c>images</c>), then <c>users</c>, <c>items</c>,
/// <c>interactions</c>.</para></summary>
public static class AmazonReviewsLoader
{
    private static readonly byte[] UserId = "user_id"u8.ToArray(), ParentAsin = "parent_asin"u8.ToArray(),
        TimestampField = "timestamp"u8.ToArray(), RatingField = "rating"u8.ToArray(), TitleField = "title"u8.ToArray();

    /// <summary>Loads the data set. The item table has columns ItemId, Title (meta <c>title</c>), Text and ImagePath.</summary>
    /// <param name="options">What to load.</param>
    /// <param name="baseDirectory">Folder that relative paths start from (the study spec's folder).</param>
    /// <exception cref="InvalidOptionException">An empty path, empty <c>item_text</c>, a bad image template, or an
    /// <c>item_text</c> field that occurs in no meta line.</exception>
    /// <exception cref="FileNotFoundException">A file is missing (the message names the key).</exception>
    /// <exception cref="DataFormatException">A malformed line or missing required field with
    /// <c>on_bad_line: error</c>: "FILE line N: PROBLEM (column C)".</exception>
    public static LoadedData Load(AmazonReviewsOptions options, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var reviewsPath = DataFile.Resolve(baseDirectory, options.Reviews, "reviews");
        var metaPath = DataFile.Resolve(baseDirectory, options.Meta, "meta");
        InvalidOptionException.Check(options.ItemText is { Count: > 0 }, "item_text", options.ItemText?.Count ?? 0,
            "must list at least one meta field");
        var images = options.Images is null ? null : ImagePathTemplate.Parse(options.Images);

        var builder = new LoadedDataBuilder();
        builder.Report.Set("reviews_bad_lines_skipped", 0);
        builder.Report.Set("meta_bad_lines_skipped", 0);
        builder.Report.Set("meta_duplicate_items_ignored", 0);
        builder.Report.Set("interactions_dropped_unknown_item", 0);
        ReadMeta(options, metaPath, builder);
        ReadReviews(options, reviewsPath, builder);
        return builder.Build(options.Catalog, images, baseDirectory);
    }

    /// <summary>What parsing one chunk of either file left besides its rows: the bad lines skipped, or the first bad
    /// line under <c>on_bad_line: error</c> (thrown when the chunk is applied, in file order).</summary>
    private abstract class ChunkResult
    {
        public int Skipped;
        public (long Line, Exception Error)? Failure;

        /// <summary>Empties the rows of the chunk before.</summary>
        protected abstract void Clear();

        /// <summary>Parses every line of <paramref name="chunk"/> with <paramref name="parseLine"/> (a malformed line
        /// throws a line error), skipping or stopping at malformed ones as <paramref name="policy"/> says.</summary>
        public void ParseAll(LineChunk chunk, BadLinePolicy policy, Action<ReadOnlySpan<byte>> parseLine)
        {
            Clear();
            Skipped = 0;
            Failure = null;
            for (int l = 0; l < chunk.Count; l++)
            {
                try { parseLine(chunk[l]); }
                catch (Exception e) when (JsonLine.IsLineError(e))
                {
                    if (policy == BadLinePolicy.Error) { Failure = (chunk.LineNumber(l), e); return; }
                    Skipped++;
                }
            }
        }

        /// <summary>Counts the skipped lines under <paramref name="skippedKey"/>; throws the failure, naming
        /// <paramref name="file"/> and its line.</summary>
        public void Report(DataReport report, string skippedKey, string file)
        {
            report.Add(skippedKey, Skipped);
            if (Failure is { } f) throw JsonLine.ToDataError(f.Error, file, f.Line);
        }
    }

    /// <summary>One chunk's meta items and the scratch space to parse them.</summary>
    private sealed class MetaChunk(IReadOnlyList<string> fields) : ChunkResult
    {
        public readonly byte[][] FieldNames = fields.Select(f => Encoding.UTF8.GetBytes(f)).ToArray();
        public readonly TextJoiner[] FieldText = fields.Select(_ => new TextJoiner()).ToArray();
        public readonly TextJoiner Title = new(), Text = new();
        public char[] Scratch = new char[256];
        // Parsed, in line order.
        public readonly List<(string Id, string Title, string Text)> Items = new();
        public readonly bool[] FieldSeen = new bool[fields.Count];
        public List<string>? FirstLineFields;

        protected override void Clear()
        {
            Items.Clear(); Array.Clear(FieldSeen); FirstLineFields = null;
        }
    }

    private static void ReadMeta(AmazonReviewsOptions options, string path, LoadedDataBuilder builder)
    {
        var fieldSeen = new bool[options.ItemText.Count];
        List<string>? firstLineFields = null;
        using var lines = DataFile.OpenLines(path);
        ParallelLineParser.Run(lines, () => new MetaChunk(options.ItemText),
            // Each chunk keeps the field names of its first line that parses; the file's first such line names them in the
            // error about item_text below.
            (chunk, meta) => meta.ParseAll(chunk, options.OnBadLine, line => ParseMetaLine(line, meta, recordFields: meta.FirstLineFields is null)),
            (chunk, meta) =>
            {
                foreach (var (id, title, text) in meta.Items)
                    if (!builder.TryAddItem(id, title, text)) builder.Report.Add("meta_duplicate_items_ignored");
                for (int f = 0; f < fieldSeen.Length; f++) fieldSeen[f] |= meta.FieldSeen[f];
                firstLineFields ??= meta.FirstLineFields;
                meta.Report(builder.Report, "meta_bad_lines_skipped", options.Meta);
            });
        for (int f = 0; f < options.ItemText.Count; f++)
            if (!fieldSeen[f] && builder.Items.Count > 0)
                throw new InvalidOptionException("item_text", options.ItemText[f],
                    $"must name fields of {options.Meta} (its first line has [{string.Join(", ", firstLineFields ?? [])}])");
    }

    private static void ParseMetaLine(ReadOnlySpan<byte> line, MetaChunk s, bool recordFields)
    {
        var reader = JsonLine.StartObject(line);
        foreach (var t in s.FieldText) t.Clear();
        s.Title.Clear();
        string? id = null;
        bool titleIsField = false;
        List<string>? names = recordFields ? new() : null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (names is not null) names.Add(JsonLine.String(ref reader, ref s.Scratch));
            bool isId = reader.ValueTextEquals(ParentAsin);
            bool isTitle = reader.ValueTextEquals(TitleField);
            int field = -1;
            for (int f = 0; f < s.FieldNames.Length; f++)
                if (reader.ValueTextEquals(s.FieldNames[f])) { field = f; s.FieldSeen[f] = true; break; }
            reader.Read();
            if (isId) id = JsonLine.IdChars(ref reader, ref s.Scratch, "parent_asin").ToString();
            else if (field >= 0)
            {
                JsonLine.AppendText(ref reader, s.FieldText[field], ref s.Scratch);
                if (isTitle) titleIsField = true;
            }
            else if (isTitle) JsonLine.AppendText(ref reader, s.Title, ref s.Scratch);
            else reader.Skip();
        }
        JsonLine.EndLine(ref reader);
        if (id is not { Length: > 0 })
            throw new LineProblem(id is null ? "missing required field 'parent_asin'" : "field 'parent_asin' is empty");

        s.Text.Clear();
        foreach (var t in s.FieldText) s.Text.Append(t);
        string title = titleIsField
            ? s.FieldText[Array.FindIndex(s.FieldNames, n => n.AsSpan().SequenceEqual(TitleField))].ToString()
            : s.Title.ToString();
        s.Items.Add((id, title, s.Text.ToString()));
        if (names is not null) s.FirstLineFields = names;
    }

    /// <summary>One chunk's review events and the scratch space to parse them (the review fields joined into the
    /// review text: none, not loaded).</summary>
    private sealed class ReviewChunk(IReadOnlyList<string> fields) : ChunkResult
    {
        public readonly byte[][] FieldNames = fields.Select(f => Encoding.UTF8.GetBytes(f)).ToArray();
        public readonly TextJoiner[] FieldText = fields.Select(_ => new TextJoiner()).ToArray();
        public readonly TextJoiner Text = new();
        public char[] User = new char[64], Item = new char[64], Scratch = new char[64];
        public readonly ParsedEvents Events = new();
        public int Unknown;

        protected override void Clear() { Events.Clear(); Unknown = 0; }
    }

    private static void ReadReviews(AmazonReviewsOptions options, string path, LoadedDataBuilder builder)
    {
        using var lines = DataFile.OpenLines(path);
        // The item index is complete (meta was read first), so the workers' lookups only read it.
        ParallelLineParser.Run(lines, () => new ReviewChunk(options.ReviewText ?? []),
            (chunk, reviews) =>
            {
                reviews.ParseAll(chunk, options.OnBadLine, line => ParseReviewLine(line, reviews));
                reviews.Unknown = reviews.Events.ResolveItems(builder.Items);
            },
            (_, c) =>
            {
                builder.AddEvents(c.Events);
                builder.Report.Add("interactions_dropped_unknown_item", c.Unknown);
                c.Report(builder.Report, "reviews_bad_lines_skipped", options.Reviews);
            },
            (bytes, lineCount) =>
            {
                // The file's lines estimated from its size (not for .gz: its size says little), its users from the first
                // batch's share of new ids (later lines repeat earlier users, so the share only falls): the tables are
                // sized once instead of regrown while millions of users are added.
                if (DataFile.IsGzip(path) || bytes == 0 || builder.EventCount == 0) return;
                double estimate = (double)new FileInfo(path).Length / bytes * lineCount;
                builder.Reserve((long)(estimate * 1.05), (long)(estimate * builder.Users.Count / builder.EventCount * 1.05));
            });
    }

    private static void ParseReviewLine(ReadOnlySpan<byte> line, ReviewChunk s)
    {
        var reader = JsonLine.StartObject(line);
        int userLength = -1, itemLength = -1;
        long timestamp = 0;
        bool hasTimestamp = false;
        float rating = float.NaN;
        foreach (var t in s.FieldText) t.Clear();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int field = -1;
            for (int f = 0; f < s.FieldNames.Length; f++)
                if (reader.ValueTextEquals(s.FieldNames[f])) { field = f; break; }
            if (reader.ValueTextEquals(UserId)) { reader.Read(); userLength = CopyId(ref reader, ref s.User, ref s.Scratch, "user_id"); }
            else if (reader.ValueTextEquals(ParentAsin)) { reader.Read(); itemLength = CopyId(ref reader, ref s.Item, ref s.Scratch, "parent_asin"); }
            else if (reader.ValueTextEquals(TimestampField)) { reader.Read(); timestamp = JsonLine.Timestamp(ref reader, "timestamp", ref s.Scratch); hasTimestamp = true; }
            else if (reader.ValueTextEquals(RatingField)) { reader.Read(); rating = JsonLine.Rating(ref reader, "rating"); }
            else if (field >= 0) { reader.Read(); JsonLine.AppendText(ref reader, s.FieldText[field], ref s.Scratch); }
            else { reader.Read(); reader.Skip(); }
        }
        JsonLine.EndLine(ref reader);
        Require(userLength, "user_id");
        Require(itemLength, "parent_asin");
        if (!hasTimestamp) throw new LineProblem("missing required field 'timestamp'");

        string? review = null;
        if (s.FieldNames.Length > 0)
        {
            s.Text.Clear();
            foreach (var t in s.FieldText) s.Text.Append(t);
            review = s.Text.ToString();
        }
        s.Events.Add(s.User.AsSpan(0, userLength), s.Item.AsSpan(0, itemLength), timestamp, rating, review);
    }

    private static int CopyId(ref Utf8JsonReader reader, ref char[] target, ref char[] scratch, string field)
    {
        var id = JsonLine.IdChars(ref reader, ref scratch, field);
        if (target.Length < id.Length) target = new char[id.Length * 2];
        id.CopyTo(target);
        return id.Length;
    }

    private static void Require(int length, string field)
    {
        if (length < 0) throw new LineProblem($"missing required field '{field}'");
        if (length == 0) throw new LineProblem($"field '{field}' is empty");
    }

}

/// <summary>Catalog entry points for the data loaders.</summary>
public static class AmazonReviewsCatalog
{
    /// <summary>Loads Amazon Reviews 2023 reviews + meta; see <see cref="AmazonReviewsLoader.Load"/>.</summary>
    public static LoadedData LoadAmazonReviews(this DataCatalog catalog, AmazonReviewsOptions options, string baseDirectory) =>
        AmazonReviewsLoader.Load(options, baseDirectory);
}
