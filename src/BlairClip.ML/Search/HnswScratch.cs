namespace BlairClip.ML.Search;

/// <summary>One thread's reusable working memory for HNSW searches and insertions: a visited set as a generation-stamped
/// int array (a node is visited in the current search when its stamp equals <see cref="Generation"/>; a new search bumps
/// the generation instead of clearing), the candidate and result heaps and hit buffers. Not thread-safe; one per worker.</summary>
internal sealed class HnswScratch(int count)
{
    private readonly int[] _stamps = new int[count];
    private int _generation;

    /// <summary>Candidates to expand, best first.</summary>
    public ScoredHeap Candidates { get; } = new(bestOnTop: true, 256);

    /// <summary>The best ef found so far, worst on top.</summary>
    public ScoredHeap Results { get; } = new(bestOnTop: false, 256);

    /// <summary>A layer's results, best first.</summary>
    public SearchHit[] Found = new SearchHit[256];

    /// <summary>Hits under selection (the heuristic's input, a pruned list's members).</summary>
    public SearchHit[] Pool = new SearchHit[256];

    /// <summary>Entry points of a layer's search (the previous layer's results).</summary>
    public SearchHit[] Entries = new SearchHit[256];

    /// <summary>Scores of a new node against its batch's earlier nodes.</summary>
    public float[] BatchScores = new float[512];

    /// <summary>A node's neighbours not yet visited, while they are scored.</summary>
    public int[] Fresh = new int[64];

    /// <summary>Rows the heuristic kept.</summary>
    public int[] Selected = new int[64];

    /// <summary>Starts a new search: every node becomes unvisited.</summary>
    public void NewSearch()
    {
        if (++_generation == int.MaxValue)
        {
            Array.Clear(_stamps);
            _generation = 1;
        }
    }

    /// <summary>Marks <paramref name="node"/> visited; false when it already was in this search.</summary>
    public bool Visit(int node)
    {
        if (_stamps[node] == _generation) return false;
        _stamps[node] = _generation;
        return true;
    }

    /// <summary><paramref name="buffer"/>, grown to hold at least <paramref name="length"/> elements.</summary>
    public static T[] Ensure<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[Math.Max(length, buffer.Length * 2)];
        return buffer;
    }
}
