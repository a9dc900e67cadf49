using System.Numerics.Tensors;
using BlairClip.ML.Core;

namespace BlairClip.ML.Search;

/// <summary>The three routines HNSW's build and queries share (Malkov &amp; Yashunin, Algorithms 2 and 4): greedy descent on
/// an upper layer, the ef-bounded best-first search of one layer, and the neighbour-selection heuristic. Scores are
/// inner products (<see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>), higher is nearer; ties
/// are broken by row (<see cref="SearchHit.Before"/>) so every step is a fixed function of its inputs.</summary>
internal static class HnswLayerSearch
{
    /// <summary>Row <paramref name="node"/> of the row-major <paramref name="vectors"/>.</summary>
    public static ReadOnlySpan<float> Row(ReadOnlySpan<float> vectors, int dim, int node) => vectors.Slice(node * dim, dim);

    /// <summary>Moves from <paramref name="current"/> to its best neighbour on <paramref name="layer"/> while that improves
    /// the score (ef = 1); returns the local best.</summary>
    public static SearchHit Greedy(HnswGraph graph, ReadOnlySpan<float> vectors, int dim, ReadOnlySpan<float> query, SearchHit current, int layer)
    {
        bool moved = true;
        while (moved)
        {
            moved = false;
            foreach (int n in graph.Links(current.Row, layer))
            {
                var hit = new SearchHit(n, TensorPrimitives.Dot(query, Row(vectors, dim, n)));
                if (SearchHit.Before(hit, current)) { current = hit; moved = true; }
            }
        }
        return current;
    }

    /// <summary>Algorithm 2 (SEARCH-LAYER): best-first search of <paramref name="layer"/> from <paramref name="entries"/> (with
    /// their scores), keeping the best <paramref name="ef"/> nodes in <see cref="HnswScratch.Results"/> (left there, worst on
    /// top; the caller may add to it, then drain). Starts a new visited set: every entry and reached node is marked.</summary>
    public static void SearchLayer(HnswGraph graph, ReadOnlySpan<float> vectors, int dim, ReadOnlySpan<float> query,
        ReadOnlySpan<SearchHit> entries, int ef, int layer, HnswScratch scratch)
    {
        scratch.NewSearch();
        var candidates = scratch.Candidates;
        var results = scratch.Results;
        candidates.Clear();
        results.Clear();
        foreach (var e in entries)
        {
            if (!scratch.Visit(e.Row)) continue;
            candidates.Push(e);
            results.PushBounded(e, ef);
        }
        while (candidates.Count > 0)
        {
            var c = candidates.Pop();
            // Every remaining candidate ranks after c, so once c is worse than the worst kept nothing can enter.
            if (results.Count >= ef && SearchHit.Before(results.Top, c)) break;
            // The unvisited neighbours first, their vectors prefetched, then scored: the loads of a whole neighbour list
            // overlap instead of each dot product waiting on memory in turn.
            var links = graph.Links(c.Row, layer);
            var fresh = HnswScratch.Ensure(ref scratch.Fresh, links.Length);
            int count = 0;
            foreach (int n in links)
                if (scratch.Visit(n))
                {
                    fresh[count++] = n;
                    CacheLines.Prefetch(Row(vectors, dim, n));
                }
            for (int i = 0; i < count; i++)
            {
                int n = fresh[i];
                var hit = new SearchHit(n, TensorPrimitives.Dot(query, Row(vectors, dim, n)));
                if (results.Count < ef || SearchHit.Before(hit, results.Top))
                {
                    candidates.Push(hit);
                    results.PushBounded(hit, ef);
                }
            }
        }
    }

    /// <summary>Empties <see cref="HnswScratch.Results"/> into <see cref="HnswScratch.Found"/>, best first; returns the count.</summary>
    public static int DrainResults(HnswScratch scratch)
    {
        var found = HnswScratch.Ensure(ref scratch.Found, scratch.Results.Count);
        return scratch.Results.DrainBestFirst(found);
    }

    /// <summary>Algorithm 4 (SELECT-NEIGHBORS-HEURISTIC, without extending or keeping pruned candidates, as hnswlib does):
    /// walks <paramref name="sorted"/> (best first; scores against the base element) and keeps a candidate only when it is
    /// nearer the base than every candidate already kept, until <paramref name="m"/> are kept. All of them when there are
    /// at most <paramref name="m"/>. Writes the kept rows to <paramref name="selected"/>; returns how many.</summary>
    public static int SelectNeighbours(ReadOnlySpan<float> vectors, int dim, ReadOnlySpan<SearchHit> sorted, int m, Span<int> selected)
    {
        if (sorted.Length <= m)
        {
            for (int i = 0; i < sorted.Length; i++) selected[i] = sorted[i].Row;
            return sorted.Length;
        }
        int kept = 0;
        foreach (var c in sorted)
        {
            if (kept == m) break;
            var cv = Row(vectors, dim, c.Row);
            bool diverse = true;
            for (int j = 0; j < kept; j++)
                if (TensorPrimitives.Dot(cv, Row(vectors, dim, selected[j])) > c.Score) { diverse = false; break; }
            if (diverse) selected[kept++] = c.Row;
        }
        return kept;
    }

    /// <summary>Orders hits best first (<see cref="SearchHit.Before"/>).</summary>
    public static readonly Comparison<SearchHit> BestFirst = (a, b) => SearchHit.Before(a, b) ? -1 : SearchHit.Before(b, a) ? 1 : 0;
}
