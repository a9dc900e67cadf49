using BlairClip.ML.Search;

namespace BlairClip.ML.Tests.Search;

/// <summary>One HNSW graph (default parameters) over 20 k clustered 64-d unit vectors, 200 held-out queries and their
/// exact top 10, shared by the tests that only read it.</summary>
public sealed class HnswFixture
{
    public const int Rows = 20_000, Dim = 64, Queries = 200, K = 10;

    public HnswFixture()
    {
        var data = new SyntheticEmbeddings(Dim, clusters: 200, seed: 11);
        Vectors = data.Generate(Rows);
        QueryVectors = data.Generate(Queries, first: Rows);
        Index = HnswIndex.Build(Vectors, Rows, Dim);
        Exact = new ExactSearchIndex(Vectors, Rows, Dim);
        Truth = Enumerable.Range(0, Queries).Select(q => Exact.Search(Query(q), K)).ToArray();
    }

    public float[] Vectors { get; }
    public float[] QueryVectors { get; }
    public HnswIndex Index { get; }
    public ExactSearchIndex Exact { get; }
    public IReadOnlyList<SearchHit>[] Truth { get; }

    public ReadOnlySpan<float> Query(int q) => QueryVectors.AsSpan(q * Dim, Dim);

    /// <summary>Mean share of the exact top <see cref="K"/> that <paramref name="search"/> returns.</summary>
    public double Recall(Func<int, IReadOnlyList<SearchHit>> search) =>
        Enumerable.Range(0, Queries).Average(q => search(q).Select(h => h.Row).Intersect(Truth[q].Select(h => h.Row)).Count() / (double)K);
}
