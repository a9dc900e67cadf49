using System.Buffers;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using BlairClip.ML.Core;
using BlairClip.ML.DataViews;
using BlairClip.ML.Models;

namespace BlairClip.ML.Text;

/// <summary>Fitted <see cref="TfIdfFeaturizer"/>: maps each item text to a sparse row over <see cref="Vocabulary"/>,
/// <c>x[t] = w(count(t)) · idf[t]</c> with <c>w(c) = c</c> (or <c>1 + ln c</c> with <c>sublinear_tf</c>), then divided
/// by the row's L2 norm (rows without known terms stay all zero) — computed in float64 and stored as float32.
/// <para>Entry layout v1: properties <c>max_features</c>, <c>stop_words</c>, <c>lowercase</c>, <c>sublinear_tf</c>,
/// <c>min_df</c>, <c>input_column</c>, <c>output_column</c>; tensors <c>vocab_utf8</c> U8 [bytes] (the terms'
/// UTF-8 bytes, concatenated in vocabulary order), <c>vocab_offsets</c> I32 [terms + 1] (byte offset of each term,
/// then the total), <c>idf</c> F64 [terms].</para></summary>
[ModelEntry("TfIdf", 1)]
public sealed class TfIdfTransformer : ItemTransformer
{
    private readonly string[] _vocabulary;
    private readonly double[] _idf;
    private readonly Dictionary<string, int> _index;
    private readonly WordTokenizer _tokenizer;

    internal TfIdfTransformer(TfIdfOptions options, string[] vocabulary, double[] idf)
    {
        if (vocabulary.Length != idf.Length)
            throw new ArgumentException($"{vocabulary.Length} terms but {idf.Length} idf values.");
        Options = options;
        _vocabulary = vocabulary;
        _idf = idf;
        _index = new Dictionary<string, int>(vocabulary.Length, StringComparer.Ordinal);
        for (int i = 0; i < vocabulary.Length; i++) _index.Add(vocabulary[i], i);
        _tokenizer = new WordTokenizer(options.Lowercase, options.StopWords == StopWordList.English);
    }

    public TfIdfOptions Options { get; }
    /// <summary>The terms in code-point order; term i is feature i.</summary>
    public IReadOnlyList<string> Vocabulary => _vocabulary;
    /// <summary>Smooth idf per term, <c>ln((1 + n) / (1 + df)) + 1</c>.</summary>
    public ReadOnlySpan<double> Idf => _idf;

    /// <exception cref="SchemaMismatchException">No text column <c>input_column</c>.</exception>
    protected override (string Name, DataViewType Type)[] AddedColumns(DataViewSchema input)
    {
        DataViewColumns.Require(input, Options.InputColumn, nameof(TfIdfTransformer), ColumnKind.Text);
        return [(Options.OutputColumn, new VectorDataViewType(NumberDataViewType.Single, _vocabulary.Length))];
    }

    /// <summary>Adds the sparse column <c>output_column</c> (<c>[items, terms]</c>, CSR) to the item table.</summary>
    protected override ColumnarDataView Append(ColumnarDataView input)
    {
        var (indptr, indices, values) = Vectorize(DataViewColumns.Text(input, Options.InputColumn, nameof(TfIdfTransformer)));
        return input.AddSparse(Options.OutputColumn, _vocabulary.Length, indptr, indices, values);
    }

    /// <summary>The TF-IDF rows of <paramref name="texts"/>, CSR (<c>[texts, terms]</c>).</summary>
    public (int[] Indptr, int[] Indices, float[] Values) Vectorize(ReadOnlySpan<string> texts)
    {
        var offsets = new int[texts.Length + 1];
        var indices = new List<int>();
        var values = new List<float>();
        var counts = new int[_vocabulary.Length];
        var touched = new List<int>();
        var row = new List<double>();
        var lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();
        char[]? buffer = null;
        try
        {
            for (int d = 0; d < texts.Length; d++)
            {
                foreach (var token in _tokenizer.Enumerate(texts[d] ?? "", ref buffer))
                    if (lookup.TryGetValue(token, out int id) && counts[id]++ == 0) touched.Add(id);
                touched.Sort();
                row.Clear();
                double sumSquares = 0;
                foreach (int id in touched)
                {
                    double w = Options.SublinearTf ? 1.0 + Math.Log(counts[id]) : counts[id];
                    double x = w * _idf[id];
                    row.Add(x);
                    sumSquares += x * x;
                    counts[id] = 0;
                }
                double norm = Math.Sqrt(sumSquares);
                for (int k = 0; k < touched.Count; k++)
                {
                    indices.Add(touched[k]);
                    values.Add((float)(row[k] / norm));
                }
                touched.Clear();
                offsets[d + 1] = indices.Count;
            }
        }
        finally
        {
            if (buffer is not null) ArrayPool<char>.Shared.Return(buffer);
        }
        return (offsets, indices.ToArray(), values.ToArray());
    }

    public override void SaveEntry(EntryWriter context)
    {
        var p = context.Properties;
        p["max_features"] = Options.MaxFeatures;
        p["stop_words"] = Options.StopWords == StopWordList.English ? "english" : "none";
        p["lowercase"] = Options.Lowercase;
        p["sublinear_tf"] = Options.SublinearTf;
        p["min_df"] = Options.MinDf;
        p["input_column"] = Options.InputColumn;
        p["output_column"] = Options.OutputColumn;
        var utf8 = new UTF8Encoding(false, true);
        var offsets = new int[_vocabulary.Length + 1];
        var bytes = new List<byte>();
        for (int i = 0; i < _vocabulary.Length; i++)
        {
            bytes.AddRange(utf8.GetBytes(_vocabulary[i]));
            offsets[i + 1] = bytes.Count;
        }
        context.Tensors.Add<byte>("vocab_utf8", bytes.ToArray(), bytes.Count);
        context.Tensors.Add<int>("vocab_offsets", offsets, offsets.Length);
        context.Tensors.Add<double>("idf", _idf, _idf.Length);
    }

    /// <exception cref="InvalidDataException">Inconsistent tensors; the message names the entry.</exception>
    public static TfIdfTransformer LoadEntry(EntryReader context)
    {
        var options = new TfIdfOptions
        {
            MaxFeatures = context.Properties["max_features"] is null ? null : context.Get<int>("max_features"),
            StopWords = context.Get<string>("stop_words") switch
            {
                "english" => StopWordList.English,
                "none" => StopWordList.None,
                var other => throw new InvalidDataException($"{context.Entry}: property 'stop_words' must be 'english' or 'none', but was '{other}'."),
            },
            Lowercase = context.Get<bool>("lowercase"),
            SublinearTf = context.Get<bool>("sublinear_tf"),
            MinDf = context.Get<int>("min_df"),
            InputColumn = context.Get<string>("input_column"),
            OutputColumn = context.Get<string>("output_column"),
        };
        var bytes = context.Tensors.Get<byte>("vocab_utf8");
        var offsets = context.Tensors.Get<int>("vocab_offsets");
        var idf = context.Tensors.Get<double>("idf");
        if (offsets.Length != idf.Length + 1 || offsets[0] != 0 || offsets[^1] != bytes.Length)
            throw new InvalidDataException(
                $"{context.Entry}: vocab_offsets has {offsets.Length} entries ({offsets.FirstOrDefault()} … {offsets.LastOrDefault()}), expected {idf.Length + 1} from 0 to {bytes.Length} (the idf count + 1 and the byte count).");
        var utf8 = new UTF8Encoding(false, true);
        var vocabulary = new string[idf.Length];
        for (int i = 0; i < vocabulary.Length; i++)
        {
            if (offsets[i + 1] < offsets[i])
                throw new InvalidDataException($"{context.Entry}: vocab_offsets decreases at term {i} ({offsets[i]} → {offsets[i + 1]}).");
            vocabulary[i] = utf8.GetString(bytes, offsets[i], offsets[i + 1] - offsets[i]);
        }
        return new TfIdfTransformer(options, vocabulary, idf);
    }
}
