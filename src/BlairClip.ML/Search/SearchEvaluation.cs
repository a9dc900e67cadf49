using System.Text.Json;
using System.Text.Json.Nodes;

namespace BlairClip.ML.Search;

/// <summary>A query with its relevance judgements (one line of a <c>search-eval</c> JSONL: <c>{"text": …, "image": …,
/// "relevant": [item ids]}</c>; image paths relative to the file).</summary>
public sealed record JudgedQuery(SearchQuery Query, IReadOnlyList<string> Relevant, long Line);

/// <summary>What <c>search-eval</c> reports over a query set.</summary>
/// <param name="AvgMeanSimilarityAt5">Mean over queries of the mean score of the top 5 results (the cosine of query and
/// item in the model's space for one-space models).</param>
public sealed record SearchEvaluationResult(int Queries, double AvgMeanSimilarityAt5, IReadOnlyDictionary<string, double> Metrics);

/// <summary>Scores a model's search on judged queries: AvgMeanSimilarity@5 (the seed project's retrieval score),
/// Recall@K = |relevant ∩ top K| / |relevant| and NDCG@K with binary gains, averaged over queries.</summary>
public static class SearchEvaluation
{
    /// <summary>Reads a JSONL query file.</summary>
    /// <exception cref="Data.DataFormatException">A line is not such an object, has no text or image, no relevant ids, or an id unknown to <paramref name="catalog"/>.</exception>
    public static IReadOnlyList<JudgedQuery> Read(string file, Core.IdMap catalog, float textWeight = SearchQuery.DefaultTextWeight)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var result = new List<JudgedQuery>();
        long line = 0;
        foreach (var text in File.ReadLines(file))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            JsonObject o;
            try { o = JsonNode.Parse(text) as JsonObject ?? throw new Data.DataFormatException(file, line, "expected a JSON object"); }
            catch (JsonException e) { throw new Data.DataFormatException(file, line, $"not valid JSON ({e.Message})"); }
            string? q = o["text"]?.GetValue<string>(), image = o["image"]?.GetValue<string>();
            if (string.IsNullOrWhiteSpace(q) && string.IsNullOrWhiteSpace(image)) throw new Data.DataFormatException(file, line, "needs \"text\", \"image\" or both");
            var relevant = (o["relevant"] as JsonArray ?? throw new Data.DataFormatException(file, line, "needs \"relevant\": [item ids]"))
                .Select(n => n?.GetValue<string>() ?? "").ToList();
            if (relevant.Count == 0) throw new Data.DataFormatException(file, line, "\"relevant\" is empty");
            foreach (var id in relevant)
                if (!catalog.TryGetIndex(id, out _)) throw new Data.DataFormatException(file, line, $"relevant item '{id}' is not in the model's catalog");
            result.Add(new JudgedQuery(new SearchQuery(q, image is null ? null : Path.GetFullPath(Path.Combine(dir, image)), textWeight), relevant, line));
        }
        if (result.Count == 0) throw new Data.DataFormatException(file, line, "no queries");
        return result;
    }

    /// <summary>Queries from items' own titles: each item's title is a text query whose one relevant item is itself.</summary>
    public static IReadOnlyList<JudgedQuery> TitleQueries(Models.RecommenderModel model, IEnumerable<string> itemIds) =>
        itemIds.Distinct().Select((id, k) =>
        {
            int i = model.Items.IndexOf(id, "item");
            var title = model.Titles.Count > i ? model.Titles[i] : null;
            if (string.IsNullOrWhiteSpace(title)) throw new KeyNotFoundException($"item '{id}' has no title in model '{model.Name}'.");
            return new JudgedQuery(new SearchQuery(title, null), [id], k + 1);
        }).ToList();

    public static SearchEvaluationResult Evaluate(ModelSearch search, IReadOnlyList<JudgedQuery> queries, IReadOnlyList<int> ks, Rerank? rerank = null)
    {
        int depth = Math.Max(5, ks.DefaultIfEmpty(10).Max());
        double similarity = 0;
        var sums = ks.SelectMany(k => new[] { $"Recall@{k}", $"NDCG@{k}" }).ToDictionary(n => n, _ => 0.0);
        foreach (var q in queries)
        {
            var hits = search.Search(q.Query, depth, rerank);
            similarity += hits.Take(5).Average(h => (double)h.Score);
            var relevant = new HashSet<string>(q.Relevant, StringComparer.Ordinal);
            foreach (int k in ks)
            {
                var top = hits.Take(k).ToList();
                sums[$"Recall@{k}"] += top.Count(h => relevant.Contains(h.ItemId)) / (double)relevant.Count;
                double dcg = 0, ideal = 0;
                for (int r = 0; r < top.Count; r++) if (relevant.Contains(top[r].ItemId)) dcg += 1 / Math.Log2(r + 2);
                for (int r = 0; r < Math.Min(k, relevant.Count); r++) ideal += 1 / Math.Log2(r + 2);
                sums[$"NDCG@{k}"] += dcg / ideal;
            }
        }
        return new SearchEvaluationResult(queries.Count, similarity / queries.Count, sums.ToDictionary(kv => kv.Key, kv => kv.Value / queries.Count));
    }
}
