using Microsoft.ML;
using Microsoft.ML.Transforms.Text;
using BlairClip.ML.Core;

namespace BlairClip.ML.Experiments.MLNetSteps;

/// <summary>Options of <see cref="FeaturizeTextStep"/>: <c>mlContext.Transforms.Text.FeaturizeText</c> and the
/// <see cref="TextFeaturizingEstimator.Options"/> a pipeline is likely to set. A null option keeps ML.NET's default.</summary>
public sealed record FeaturizeTextStepOptions
{
    /// <summary>(string) Output vector column.</summary>
    public string OutputColumn { get; init; } = "Features";
    /// <summary>(list of string) Text columns featurized together.</summary>
    public IReadOnlyList<string> InputColumns { get; init; } = ["Text"];
    /// <summary>(lower | upper | none) Case normalisation; null: ML.NET's (lower).</summary>
    public TextNormalizingEstimator.CaseMode? CaseMode { get; init; }
    /// <summary>(bool?) Keep diacritical marks; null: ML.NET's (false).</summary>
    public bool? KeepDiacritics { get; init; }
    /// <summary>(bool?) Keep punctuation; null: ML.NET's (true).</summary>
    public bool? KeepPunctuations { get; init; }
    /// <summary>(bool?) Keep numbers; null: ML.NET's (true).</summary>
    public bool? KeepNumbers { get; init; }
    /// <summary>(bool) Remove ML.NET's English stop words.</summary>
    public bool EnglishStopWords { get; init; } = false;
    /// <summary>(int?) Word n-gram length; 0 turns word features off; null: ML.NET's (1).</summary>
    public int? WordNgramLength { get; init; }
    /// <summary>(int?) Character n-gram length; 0 turns character features off; null: ML.NET's (3).</summary>
    public int? CharNgramLength { get; init; }
    /// <summary>(l1 | l2 | infinity | none) Row normalisation; null: ML.NET's (l2).</summary>
    public TextFeaturizingEstimator.NormFunction? Norm { get; init; }
}

/// <summary>ML.NET's <c>FeaturizeText</c> as a pipeline step: n-gram bag features of the item text(s).</summary>
[PipelineStep("FeaturizeText", typeof(FeaturizeTextStepOptions))]
public sealed class FeaturizeTextStep(BlairClipContext context, FeaturizeTextStepOptions options)
    : MLNetStep(context, ml => Create(ml, options))
{
    public FeaturizeTextStepOptions Options { get; } = options;

    private static IEstimator<ITransformer> Create(MLContext ml, FeaturizeTextStepOptions o)
    {
        var inputs = Columns(o.InputColumns, "input_columns");
        InvalidOptionException.Check(o.WordNgramLength is null or >= 0, "word_ngram_length", o.WordNgramLength, "must be 0 (off) or more");
        InvalidOptionException.Check(o.CharNgramLength is null or >= 0, "char_ngram_length", o.CharNgramLength, "must be 0 (off) or more");
        var options = new TextFeaturizingEstimator.Options();
        if (o.CaseMode is { } caseMode) options.CaseMode = caseMode;
        if (o.KeepDiacritics is { } diacritics) options.KeepDiacritics = diacritics;
        if (o.KeepPunctuations is { } punctuations) options.KeepPunctuations = punctuations;
        if (o.KeepNumbers is { } numbers) options.KeepNumbers = numbers;
        if (o.EnglishStopWords) options.StopWordsRemoverOptions = new StopWordsRemovingEstimator.Options { Language = TextFeaturizingEstimator.Language.English };
        if (o.WordNgramLength is { } words) options.WordFeatureExtractor = words == 0 ? null : new WordBagEstimator.Options { NgramLength = words };
        if (o.CharNgramLength is { } chars) options.CharFeatureExtractor = chars == 0 ? null : new WordBagEstimator.Options { NgramLength = chars };
        if (o.Norm is { } norm) options.Norm = norm;
        return ml.Transforms.Text.FeaturizeText(Column(o.OutputColumn, "output_column"), options, inputs);
    }
}
