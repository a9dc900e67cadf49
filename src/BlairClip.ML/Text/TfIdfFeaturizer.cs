using Microsoft.ML;
using Microsoft.ML.Data;
using BlairClip.ML.Core;
using BlairClip.ML.DataViews;

namespace BlairClip.ML.Text;

/// <summary>Which stop words TF-IDF drops.</summary>
public enum StopWordList
{
    /// <summary>scikit-learn's English list (<c>stop_words='english'</c>).</summary>
    English,
    /// <summary>None: every token is kept.</summary>
    None,
}

/// <summary>Options of <see cref="TfIdfFeaturizer"/>; they mirror scikit-learn's <c>TfidfVectorizer</c> arguments.</summary>
public sealed record TfIdfOptions
{
    /// <summary>(int?) Keep only the N terms with the highest total count in the corpus; null keeps all.</summary>
    public int? MaxFeatures { get; init; } = null;
    /// <summary>(english | none) english removes scikit-learn's English stop words; none keeps every token.</summary>
    public StopWordList StopWords { get; init; } = StopWordList.English;
    /// <summary>(bool) Lowercase with Python's <c>str.lower()</c> before tokenizing.</summary>
    public bool Lowercase { get; init; } = true;
    /// <summary>(bool) Use <c>1 + ln(tf)</c> instead of the raw count.</summary>
    public bool SublinearTf { get; init; } = false;
    /// <summary>(int) Drop terms that occur in fewer than this many item texts.</summary>
    public int MinDf { get; init; } = 1;
    /// <summary>(string) Item text column to read.</summary>
    public string InputColumn { get; init; } = "Text";
    /// <summary>(string) Sparse vector column to write.</summary>
    public string OutputColumn { get; init; } = "Features";
}

/// <summary>Learns a TF-IDF vocabulary from the catalog's item texts, with the semantics of scikit-learn's
/// <c>TfidfVectorizer(stop_words='english', max_features=N)</c>: tokens from <see cref="WordTokenizer"/>;
/// terms kept by document frequency (<c>min_df</c>) and then, for <c>max_features</c>, the N with highest total
/// count (ties at the cut broken by NumPy's unstable argsort over the alphabetically sorted terms, as scikit-learn
/// does); vocabulary in code-point order; smooth idf <c>ln((1 + n) / (1 + df)) + 1</c> in float64, where n is the
/// number of item texts and df the number of texts containing the term.</summary>
[PipelineStep("TfIdfFeaturizer", typeof(TfIdfOptions))]
public sealed class TfIdfFeaturizer : IEstimator<TfIdfTransformer>
{
    /// <exception cref="InvalidOptionException">An option is out of range (named as in YAML).</exception>
    public TfIdfFeaturizer(BlairClipContext context, TfIdfOptions options)
    {
        InvalidOptionException.Check(options.MaxFeatures is null or > 0, "max_features", options.MaxFeatures, "must be positive or null (all terms)");
        InvalidOptionException.Check(options.MinDf >= 1, "min_df", options.MinDf, "must be at least 1");
        InvalidOptionException.Check(!string.IsNullOrWhiteSpace(options.InputColumn), "input_column", options.InputColumn, "must name a column");
        InvalidOptionException.Check(!string.IsNullOrWhiteSpace(options.OutputColumn), "output_column", options.OutputColumn, "must name a column");
        Context = context;
        Options = options;
    }

    public BlairClipContext Context { get; }
    public TfIdfOptions Options { get; }

    /// <summary>Adds <c>output_column</c>, a known-size Single vector (sparse rows); its size, the vocabulary size, is
    /// known after fitting (a shape records only that it is known).</summary>
    /// <exception cref="SchemaMismatchException">No text column <c>input_column</c>.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        DataViewColumns.Require(inputSchema, Options.InputColumn, nameof(TfIdfFeaturizer), ColumnKind.Text);
        return SchemaShapes.With(inputSchema, (Options.OutputColumn, new VectorDataViewType(NumberDataViewType.Single, 1)));
    }

    /// <summary>Fits the vocabulary and idf on the texts of the item table <paramref name="input"/>.</summary>
    /// <exception cref="InvalidOperationException">No term survives tokenizing, stop words and <c>min_df</c>
    /// (scikit-learn's "empty vocabulary" / "no terms remain").</exception>
    public TfIdfTransformer Fit(IDataView input)
    {
        var texts = DataViewColumns.Text(input, Options.InputColumn, nameof(TfIdfFeaturizer));
        var tokenizer = new WordTokenizer(Options.Lowercase, Options.StopWords == StopWordList.English);
        var (terms, tf, df) = Count(texts, tokenizer, Context.Progress);
        if (terms.Count == 0)
            throw new InvalidOperationException(
                $"TfIdfFeaturizer: empty vocabulary: the {texts.Length} texts of column '{Options.InputColumn}' contain no tokens of two or more word characters{(tokenizer.EnglishStopWords ? " besides stop words" : "")}.");

        // Alphabetical order first: the max_features tie rule is defined on it.
        var order = Enumerable.Range(0, terms.Count).ToArray();
        var sortedTerms = terms.ToArray();
        Array.Sort(sortedTerms, order, CodePointComparer.Instance);
        var keep = SelectTerms(order, tf, df, Options.MinDf, Options.MaxFeatures);
        if (keep.Length == 0)
            throw new InvalidOperationException(
                $"TfIdfFeaturizer: no terms remain after pruning with min_df = {Options.MinDf} ({terms.Count} terms before); lower min_df.");

        int n = texts.Length;
        var vocabulary = new string[keep.Length];
        var idf = new double[keep.Length];
        for (int k = 0; k < keep.Length; k++)
        {
            vocabulary[k] = sortedTerms[keep[k]];
            idf[k] = Math.Log((double)(n + 1) / (df[order[keep[k]]] + 1)) + 1.0;
        }
        return new TfIdfTransformer(Options, vocabulary, idf);
    }

    /// <summary>Positions (into the alphabetical order) of the kept terms, ascending.</summary>
    internal static int[] SelectTerms(int[] order, IReadOnlyList<long> tf, IReadOnlyList<int> df, int minDf, int? maxFeatures)
    {
        var masked = new List<int>(order.Length);
        for (int p = 0; p < order.Length; p++)
            if (df[order[p]] >= minDf) masked.Add(p);
        if (maxFeatures is not { } limit || masked.Count <= limit) return masked.ToArray();
        // scikit-learn: mask_inds = (-tfs[mask]).argsort()[:limit]
        var negTf = new double[masked.Count];
        for (int k = 0; k < negTf.Length; k++) negTf[k] = -(double)tf[order[masked[k]]];
        var top = NumpyArgsort.Argsort(negTf).AsSpan(0, limit).ToArray();
        Array.Sort(top);
        return top.Select(k => masked[k]).ToArray();
    }

    private static (List<string> Terms, List<long> Tf, List<int> Df) Count(ReadOnlySpan<string> texts, WordTokenizer tokenizer, IProgressReporter progress)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = index.GetAlternateLookup<ReadOnlySpan<char>>();
        var terms = new List<string>();
        var tf = new List<long>();
        var df = new List<int>();
        var lastDoc = new List<int>();
        char[]? buffer = null;
        using var task = progress.Start("TF-IDF vocabulary", texts.Length);
        try
        {
            for (int d = 0; d < texts.Length; d++)
            {
                foreach (var token in tokenizer.Enumerate(texts[d] ?? "", ref buffer))
                {
                    if (!lookup.TryGetValue(token, out int id))
                    {
                        id = terms.Count;
                        var s = token.ToString();
                        index.Add(s, id);
                        terms.Add(s); tf.Add(0); df.Add(0); lastDoc.Add(-1);
                    }
                    tf[id]++;
                    if (lastDoc[id] != d) { df[id]++; lastDoc[id] = d; }
                }
                task.Advance();
            }
        }
        finally
        {
            if (buffer is not null) System.Buffers.ArrayPool<char>.Shared.Return(buffer);
        }
        return (terms, tf, df);
    }
}

/// <summary>Catalog entry points for <see cref="TfIdfFeaturizer"/>.</summary>
public static class TfIdfCatalog
{
    /// <summary>TF-IDF vectors of the item texts (scikit-learn <c>TfidfVectorizer</c> semantics).</summary>
    public static TfIdfFeaturizer TfIdf(this ItemTransformsCatalog catalog, TfIdfOptions? options = null) =>
        new(catalog.Context, options ?? new TfIdfOptions());
}
