using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BlairClip.ML.Models;
using BlairClip.ML.Search;
using Spectre.Console;

namespace BlairClip.Cli.Commands;

/// <summary><c>blairclip search --model ZIP (--text "…" | --image PATH | both) [--text-weight w] [--rerank K:w2]
/// [--items model|text|image|combined] [--top 10] [--json]</c> and <c>blairclip search-eval --model ZIP (--queries FILE |
/// --title-queries IDS_FILE) [--k 10,50]</c>.</summary>
internal static class SearchCommand
{
    private static readonly Option<string> Model = new("--model", "-m") { Description = "A model zip written by `run` (TF-IDF, BLaIR, CLIP or BLaIR-CLIP).", Required = true };
    private static readonly Option<float> TextWeight = new("--text-weight") { Description = "With both a text and an image: the text's weight w in w·t + (1 − w)·i.", DefaultValueFactory = _ => SearchQuery.DefaultTextWeight };
    private static readonly Option<string?> RerankOption = new("--rerank") { Description = "K:w2 — re-score the first pass's top K with text weight w2 (e.g. 50:0.9)." };
    private static readonly Option<ItemSide> Items = new("--items") { Description = "Which item vectors to rank: the model's own, or BLaIR-CLIP's text, image or combined ones.", DefaultValueFactory = _ => ItemSide.Model };

    private static readonly Option<SearchIndexKind> Index = new("--index") { Description = $"First-pass index: auto (exact below {VectorSearch.DefaultExactThreshold:N0} items, HNSW above, its graph cached as ZIP.hnsw), exact or hnsw.", DefaultValueFactory = _ => SearchIndexKind.Auto };

    private static ModelSearch Open(ParseResult p)
    {
        Towers.Search.TowerSearch.Register();
        var zip = p.GetValue(Model)!;
        return ModelSearch.For(ModelArchive.Load(zip), p.GetValue(Items))
            .UseIndex(new SearchIndexOptions { Kind = p.GetValue(Index) }, IndexCache(zip), Console.Error);
    }

    /// <summary>Where a model's HNSW graph is cached: beside its zip.</summary>
    public static string IndexCache(string zip) => Path.GetFullPath(zip) + ".hnsw";

    private static Rerank? ParseRerank(ParseResult p) => p.GetValue(RerankOption) is { } r ? Rerank.Parse(r) : null;

    public static Command Create()
    {
        var text = new Option<string?>("--text") { Description = "A description to search for." };
        var image = new Option<string?>("--image") { Description = "An image file to search with." };
        var top = new Option<int>("--top") { Description = "How many items.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var cmd = new Command("search", "Search a saved model's catalog with a text, an image or both (text+image: a weighted sum of the normalised embeddings).");
        foreach (var o in new Option[] { Model, text, image, TextWeight, RerankOption, Items, Index, top, json }) cmd.Options.Add(o);
        cmd.SetAction(p => Errors.Guard(() =>
        {
            var query = new SearchQuery(p.GetValue(text), p.GetValue(image) is { } i ? Path.GetFullPath(i) : null, p.GetValue(TextWeight));
            query.Validate();
            if (query.ImagePath is { } path && !File.Exists(path)) throw new FileNotFoundException($"--image {path}: no such file.", path);
            var rerank = ParseRerank(p);
            var search = Open(p);
            var hits = search.Search(query, p.GetValue(top), rerank);
            if (p.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["model"] = search.Model.Name, ["text"] = query.Text, ["image"] = query.ImagePath, ["text_weight"] = query.TextWeight,
                    ["rerank"] = rerank is null ? null : $"{rerank.Candidates}:{rerank.TextWeight.ToString(CultureInfo.InvariantCulture)}",
                    ["results"] = new JsonArray(hits.Select((h, r) => (JsonNode)new JsonObject { ["rank"] = r + 1, ["item"] = h.ItemId, ["score"] = h.Score, ["title"] = h.Title }).ToArray()),
                }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            var table = new Table().Title(Markup.Escape($"{search.Model.Name}: {Describe(query)}"))
                .AddColumn(new TableColumn("#").RightAligned()).AddColumn("Item").AddColumn(new TableColumn("Score").RightAligned()).AddColumn("Title");
            int rank = 1;
            foreach (var h in hits)
                table.AddRow((rank++).ToString(CultureInfo.InvariantCulture), Markup.Escape(h.ItemId), h.Score.ToString("F4", CultureInfo.InvariantCulture), Markup.Escape(h.Title ?? ""));
            Tables.Write(table);
            return 0;
        }));
        return cmd;
    }

    private static string Describe(SearchQuery q) => string.Join(" + ", new[] { q.Text is { } t ? $"\"{t}\"" : null, q.ImagePath is { } i ? Path.GetFileName(i) : null }.Where(s => s is not null));

    public static Command CreateEval()
    {
        var queries = new Option<string?>("--queries") { Description = "JSONL of queries: {\"text\": …, \"image\": PATH, \"relevant\": [item ids]} per line (paths relative to the file)." };
        var titles = new Option<string?>("--title-queries") { Description = "A file of item ids, one per line: each item's title is a query whose relevant item is itself." };
        var ks = new Option<string>("--k") { Description = "Cutoffs for Recall@K and NDCG@K.", DefaultValueFactory = _ => "10,50" };
        var cmd = new Command("search-eval", "Score a model's search on judged queries: AvgMeanSimilarity@5, Recall@K and NDCG@K.");
        foreach (var o in new Option[] { Model, queries, titles, ks, TextWeight, RerankOption, Items, Index }) cmd.Options.Add(o);
        cmd.SetAction(p => Errors.Guard(() =>
        {
            string? q = p.GetValue(queries), t = p.GetValue(titles);
            if ((q is null) == (t is null)) throw new IOException("give exactly one of --queries FILE or --title-queries IDS_FILE");
            var cutoffs = p.GetValue(ks)!.Split(',').Select(s => int.TryParse(s, out var k) && k > 0 ? k
                : throw new ML.Core.InvalidOptionException("--k", s, "must be positive integers separated by commas")).ToList();
            var rerank = ParseRerank(p);
            var search = Open(p);
            var judged = q is not null ? SearchEvaluation.Read(q, search.Model.Items, p.GetValue(TextWeight))
                : SearchEvaluation.TitleQueries(search.Model, File.ReadLines(t!).Select(l => l.Trim()).Where(l => l.Length > 0));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = SearchEvaluation.Evaluate(search, judged, cutoffs, rerank);
            Console.WriteLine($"{search.Model.Name}: {result.Queries} queries in {watch.Elapsed.TotalSeconds:F2} s ({search.IndexNote})");
            Console.WriteLine($"AvgMeanSimilarity@5 {result.AvgMeanSimilarityAt5.ToString("F4", CultureInfo.InvariantCulture)}");
            foreach (var (name, value) in result.Metrics) Console.WriteLine($"{name} {value.ToString("F4", CultureInfo.InvariantCulture)}");
            return 0;
        }));
        return cmd;
    }
}
