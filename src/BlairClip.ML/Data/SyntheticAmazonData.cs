using BlairClip.ML.Core;
using System.Globalization;
using System.Text;

namespace BlairClip.ML.Data;

/// <summary>Shape of a synthetic Amazon Reviews 2023 data set (<see cref="SyntheticAmazonData"/>). The defaults are the
/// seed study's Appliances: about 1.8 M users, 94 k items, 2.1 M reviews, of which ~246 k users have ≥ 2.</summary>
public sealed record SyntheticDataOptions
{
    public int Users { get; init; } = 1_800_000;
    public int Items { get; init; } = 94_000;
    public long Interactions { get; init; } = 2_100_000;
    /// <summary>Share of users with at least 2 interactions (Appliances: 246 k of 1.8 M).</summary>
    public double RepeatUserShare { get; init; } = 246_000.0 / 1_800_000;
    /// <summary>Words in an item description (titles have 3–8, feature lists 2–4 × 3); reviews have about half as many.</summary>
    public int TextWords { get; init; } = 40;
    /// <summary>Distinct words of the Zipfian vocabulary.</summary>
    public int Vocabulary { get; init; } = 30_000;
    public int Seed { get; init; } = 1;
}

/// <summary>
/// Writes Amazon-Reviews-2023-format <c>reviews.jsonl</c> and <c>meta.jsonl</c> with the statistics that make a study
/// slow or fast: Zipf-distributed item popularity (exponent 1), user activity where most users have one review and a
/// long (Lomax) tail has many, timestamps increasing per user, and item texts drawn from a Zipfian vocabulary headed by
/// English function words (as real text is; TF-IDF's stop-word list removes them) so TF-IDF rows have realistic
/// sparsity. Deterministic for a seed; interaction count exact.
/// </summary>
public static class SyntheticAmazonData
{
    /// <summary>What <see cref="Write"/> produced.</summary>
    public sealed record Written(string Reviews, string Meta, int Users, int Items, long Interactions, int RepeatUsers, long Bytes);

    /// <exception cref="InvalidOptionException">A count out of range (named as the CLI option).</exception>
    /// <exception cref="IOException"><paramref name="directory"/> already holds reviews.jsonl or meta.jsonl.</exception>
    public static Written Write(SyntheticDataOptions o, string directory)
    {
        InvalidOptionException.Check(o.Users > 0, "users", o.Users, "must be positive");
        InvalidOptionException.Check(o.Items > 1, "items", o.Items, "must be at least 2");
        InvalidOptionException.Check(o.Interactions >= o.Users, "interactions", o.Interactions, $"must be at least the number of users ({o.Users}): every user has a review");
        InvalidOptionException.Check(o.TextWords > 0, "text-words", o.TextWords, "must be positive");
        InvalidOptionException.Check(o.RepeatUserShare is > 0 and <= 1, "repeat-share", o.RepeatUserShare, "must be in (0, 1]");
        Directory.CreateDirectory(directory);
        var reviews = Path.Combine(directory, "reviews.jsonl");
        var meta = Path.Combine(directory, "meta.jsonl");
        foreach (var f in new[] { reviews, meta })
            if (File.Exists(f)) throw new IOException($"{f} exists; data synth never overwrites files (choose another --out or remove it).");

        var rng = new Random(o.Seed);
        var words = Vocabulary(o.Vocabulary, rng);
        var wordCdf = ZipfCdf(words.Length, 1.07);
        var itemIds = Enumerable.Range(0, o.Items).Select(i => "B0" + Base36(i, 8)).ToArray();
        // Popularity rank → item: a seeded shuffle, so popular items are spread over the meta file.
        var byRank = Enumerable.Range(0, o.Items).ToArray();
        rng.Shuffle(byRank);
        var itemCdf = ZipfCdf(o.Items, 1.0);
        var counts = UserCounts(o, rng);

        try
        {
            return WriteFiles(o, rng, words, wordCdf, itemIds, byRank, itemCdf, counts, reviews, meta);
        }
        catch
        {
            foreach (var f in new[] { reviews, meta }) File.Delete(f + ".partial");
            throw;
        }
    }

    private static Written WriteFiles(SyntheticDataOptions o, Random rng, string[] words, double[] wordCdf, string[] itemIds, int[] byRank,
        double[] itemCdf, int[] counts, string reviews, string meta)
    {
        long bytes = 0;
        var sb = new StringBuilder(4096);
        using (var w = new StreamWriter(meta + ".partial", false, new UTF8Encoding(false), 1 << 20))
        {
            for (int i = 0; i < o.Items; i++)
            {
                sb.Clear().Append("{\"main_category\": \"Appliances\", \"title\": \"");
                AppendWords(sb, words, wordCdf, rng, rng.Next(3, 9));
                sb.Append("\", \"features\": [");
                int features = rng.Next(2, 5);
                for (int f = 0; f < features; f++)
                {
                    sb.Append(f == 0 ? "\"" : ", \"");
                    AppendWords(sb, words, wordCdf, rng, 3);
                    sb.Append('"');
                }
                sb.Append("], \"description\": [\"");
                AppendWords(sb, words, wordCdf, rng, o.TextWords);
                sb.Append("\"], \"price\": ").Append((rng.Next(500, 50000) / 100.0).ToString(CultureInfo.InvariantCulture))
                  .Append(", \"images\": [], \"parent_asin\": \"").Append(itemIds[i]).Append("\"}");
                w.WriteLine(sb);
                bytes += sb.Length + 1;
            }
        }
        long written = 0;
        int repeat = 0;
        var start = new DateTime(2015, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        long t0 = new DateTimeOffset(start).ToUnixTimeMilliseconds(), span = 8L * 365 * 24 * 3600 * 1000;
        using (var w = new StreamWriter(reviews + ".partial", false, new UTF8Encoding(false), 1 << 20))
        {
            for (int u = 0; u < o.Users; u++)
            {
                var user = "A" + Base36(u, 12) + "SYN";
                int n = counts[u];
                if (n >= 2) repeat++;
                long t = t0 + (long)(rng.NextDouble() * span * 0.8);
                for (int k = 0; k < n; k++)
                {
                    t += 1 + (long)(rng.NextDouble() * span * 0.2 / n);
                    int item = byRank[Sample(itemCdf, rng)];
                    sb.Clear().Append("{\"rating\": ").Append(rng.Next(1, 6)).Append(".0, \"title\": \"");
                    AppendWords(sb, words, wordCdf, rng, rng.Next(2, 6));
                    sb.Append("\", \"text\": \"");
                    AppendWords(sb, words, wordCdf, rng, Math.Max(1, o.TextWords / 2));
                    sb.Append("\", \"images\": [], \"asin\": \"").Append(itemIds[item]).Append("\", \"parent_asin\": \"").Append(itemIds[item])
                      .Append("\", \"user_id\": \"").Append(user).Append("\", \"timestamp\": ").Append(t)
                      .Append(", \"helpful_vote\": 0, \"verified_purchase\": true}");
                    w.WriteLine(sb);
                    bytes += sb.Length + 1;
                    written++;
                }
            }
        }
        File.Move(meta + ".partial", meta);
        File.Move(reviews + ".partial", reviews);
        return new Written(reviews, meta, o.Users, o.Items, written, repeat, bytes);
    }

    /// <summary>A study over the files <see cref="Write"/> writes (beside it): the seed study's three baselines.</summary>
    public static string StudyYaml(string name) => $"""
        # Synthetic Amazon-2023-format data written by `blairclip data synth`; the seed study's three baselines.
        name: synth-{name}
        seed: 42
        data:
          format: amazon2023
          reviews: reviews.jsonl
          meta: meta.jsonl
          item_text: [title, description, features]
        filter:
          min_user_interactions: 1        # every user trains; users with >= 2 are the test users
        split:
          method: leave_one_out
        evaluation:
          exclude_history: true
          ties: optimistic
          metrics: [Recall@10, Recall@50, NDCG@10, NDCG@50, MRR, AUC]
        models:
          - name: Popularity
            pipeline: popularity
          - name: TF-IDF
            pipeline: tfidf
            params: {"{"} max_features: 5000 {"}"}
          - name: BPR-MF
            pipeline: bpr-mf
            params: {"{"} factors: 64, epochs: 30 {"}"}
        output:
          save_models: true
          per_user: false

        """;

    /// <summary>Reviews per user summing to exactly <see cref="SyntheticDataOptions.Interactions"/>: 1 for most users; for
    /// a <see cref="SyntheticDataOptions.RepeatUserShare"/> share, 2 plus a Lomax(α = 1.5) tail scaled to the total.</summary>
    private static int[] UserCounts(SyntheticDataOptions o, Random rng)
    {
        var counts = new int[o.Users];
        Array.Fill(counts, 1);
        var repeat = Enumerable.Range(0, o.Users).Where(_ => rng.NextDouble() < o.RepeatUserShare).ToArray();
        if (repeat.Length == 0) repeat = [0];
        long extra = o.Interactions - o.Users - repeat.Length;   // beyond 1 each, and the second review of repeat users
        if (extra < 0)
        {
            // Too few interactions for that many repeat users: keep as many as the total allows.
            repeat = repeat[..(int)(o.Interactions - o.Users)];
            extra = 0;
        }
        foreach (int u in repeat) counts[u] = 2;
        if (extra > 0 && repeat.Length > 0)
        {
            var tail = repeat.Select(_ => Math.Pow(1 - rng.NextDouble(), -1 / 1.5) - 1).ToArray();
            double scale = extra / tail.Sum();
            long given = 0;
            for (int k = 0; k < repeat.Length; k++)
            {
                int add = (int)Math.Min(10_000, Math.Floor(tail[k] * scale));
                counts[repeat[k]] += add;
                given += add;
            }
            // The remainder (flooring, the cap) one review at a time to random repeat users.
            for (; given < extra; given++) counts[repeat[rng.Next(repeat.Length)]]++;
        }
        return counts;
    }

    /// <summary>The most frequent English words, which head real review and product text (and which TF-IDF's English
    /// stop-word list removes), followed by synthetic words: the Zipf curve's head is function words, as in real text.</summary>
    private static readonly string[] FunctionWords =
    [
        "the", "and", "to", "a", "of", "it", "is", "for", "this", "in", "with", "that", "my", "on", "you", "not", "was", "but",
        "have", "as", "are", "so", "be", "very", "one", "they", "if", "or", "use", "can", "all", "at", "an", "from", "would",
        "just", "will", "had", "when", "great", "up", "out", "no", "well", "good", "more", "than", "has", "do", "get",
    ];

    private static string[] Vocabulary(int size, Random rng)
    {
        string[] syllables = ["ka", "lo", "mi", "ne", "ra", "tu", "vo", "si", "de", "pa", "zu", "ri", "fo", "be", "gi", "ha", "ju", "ce", "no", "wa"];
        var words = new HashSet<string>(FunctionWords, StringComparer.Ordinal);
        var list = new List<string>(FunctionWords);
        while (list.Count < size)
        {
            int n = 2 + rng.Next(3);
            var w = string.Concat(Enumerable.Range(0, n).Select(_ => syllables[rng.Next(syllables.Length)]));
            if (words.Add(w)) list.Add(w);
        }
        return [.. list];
    }

    private static double[] ZipfCdf(int n, double exponent)
    {
        var cdf = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) cdf[k] = sum += Math.Pow(k + 1, -exponent);
        for (int k = 0; k < n; k++) cdf[k] /= sum;
        return cdf;
    }

    private static int Sample(double[] cdf, Random rng)
    {
        int i = Array.BinarySearch(cdf, rng.NextDouble());
        return Math.Min(cdf.Length - 1, i < 0 ? ~i : i);
    }

    private static void AppendWords(StringBuilder sb, string[] words, double[] cdf, Random rng, int count)
    {
        for (int k = 0; k < count; k++)
        {
            if (k > 0) sb.Append(' ');
            sb.Append(words[Sample(cdf, rng)]);
        }
    }

    private static string Base36(int value, int width)
    {
        const string digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        Span<char> s = stackalloc char[width];
        uint v = (uint)value;
        for (int k = width - 1; k >= 0; k--) { s[k] = digits[(int)(v % 36)]; v /= 36; }
        return new string(s);
    }
}
