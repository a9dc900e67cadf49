namespace BlairClip.ML.Search;

/// <summary>A binary heap of <see cref="SearchHit"/> over a reusable array, ordered by <see cref="SearchHit.Before"/>:
/// with <c>bestOnTop</c> the root is the best hit (a search's candidate queue), otherwise the worst (a bounded result set
/// whose root is the one to evict). Reused across searches, so a query allocates nothing here.</summary>
internal sealed class ScoredHeap(bool bestOnTop, int capacity = 16)
{
    private SearchHit[] _items = new SearchHit[Math.Max(1, capacity)];

    public int Count { get; private set; }

    /// <summary>The root: the best hit when ordered best-on-top, else the worst. Only when <see cref="Count"/> &gt; 0.</summary>
    public SearchHit Top => _items[0];

    public void Clear() => Count = 0;

    /// <summary>Whether <paramref name="a"/> belongs nearer the root than <paramref name="b"/>.</summary>
    private bool Above(in SearchHit a, in SearchHit b) => bestOnTop ? SearchHit.Before(a, b) : SearchHit.Before(b, a);

    public void Push(SearchHit hit)
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        int i = Count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Above(hit, _items[parent])) break;
            _items[i] = _items[parent];
            i = parent;
        }
        _items[i] = hit;
    }

    /// <summary>Keeps the best <paramref name="bound"/> hits (the heap must be worst-on-top): adds <paramref name="hit"/>
    /// while fewer are kept, else replaces the worst when <paramref name="hit"/> ranks before it. Returns whether it was kept.</summary>
    public bool PushBounded(SearchHit hit, int bound)
    {
        if (Count < bound) { Push(hit); return true; }
        if (!SearchHit.Before(hit, _items[0])) return false;
        ReplaceTop(hit);
        return true;
    }

    public SearchHit Pop()
    {
        var top = _items[0];
        var last = _items[--Count];
        if (Count > 0) SiftDown(last);
        return top;
    }

    /// <summary>Replaces the root by <paramref name="hit"/> and restores the order (one sift instead of a pop and a push).</summary>
    public void ReplaceTop(SearchHit hit) => SiftDown(hit);

    private void SiftDown(SearchHit hit)
    {
        int i = 0, n = Count;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && Above(_items[child + 1], _items[child])) child++;
            if (!Above(_items[child], hit)) break;
            _items[i] = _items[child];
            i = child;
        }
        _items[i] = hit;
    }

    /// <summary>Empties a worst-on-top heap into <paramref name="destination"/> (length ≥ <see cref="Count"/>) best first;
    /// returns how many were written.</summary>
    public int DrainBestFirst(Span<SearchHit> destination)
    {
        int n = Count;
        for (int i = n - 1; i >= 0; i--) destination[i] = Pop();
        return n;
    }
}
