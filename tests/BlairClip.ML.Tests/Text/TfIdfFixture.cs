using System.Text.Json;

namespace BlairClip.ML.Tests.Text;

/// <summary>The scikit-learn golden written by <c>Fixtures/tfidf/generate.py</c>.</summary>
public sealed class TfIdfFixture
{
    public sealed record AnalyzerRow(string Text, string[] Tokens);
    public sealed record Case(string Name, int? MaxFeatures, string[] Vocabulary, double[] Idf, int[] Indptr, int[] Indices, double[] Data, string[]? Texts);
    public sealed record ArgsortRow(double[] Values, int[] Order);

    public required string[] Texts { get; init; }
    public required AnalyzerRow[] Analyzer { get; init; }
    public required AnalyzerRow[] AnalyzerNoStopWords { get; init; }
    public required Case[] Cases { get; init; }
    public required ArgsortRow[] Argsort { get; init; }

    private static readonly Lazy<TfIdfFixture> Cached = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "tfidf", "tfidf_parity.json");
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        return JsonSerializer.Deserialize<TfIdfFixture>(File.ReadAllText(path), options)
            ?? throw new InvalidDataException($"{path} is empty.");
    });

    public static TfIdfFixture Load() => Cached.Value;
}
