using BlairClip.ML.Core;

namespace BlairClip.ML.Recommenders;

/// <summary>The stratified BPR schedule's cells: users and items fall into S blocks by a multiplicative hash of their
/// index (so a block is a spread-out sample of the catalog, never aligned with the file's order or any period in it);
/// each epoch draws as many training rows as there are interactions (uniformly, with replacement, from one seeded
/// stream) and files each under (user block, item block), keeping the draw order within a cell.</summary>
internal sealed class BprStrata
{
    private readonly Interactions _train;
    private readonly int _strata;
    private readonly int[] _rows;
    private readonly int[] _start;
    private readonly int[][] _blockItems;

    public BprStrata(Interactions train, int items, int strata)
    {
        _train = train; _strata = strata;
        _rows = new int[train.Count];
        _start = new int[strata * strata + 1];
        _blockItems = Enumerable.Range(0, strata).Select(b => Enumerable.Range(0, items).Where(i => Block(i, strata) == b).ToArray()).ToArray();
    }

    /// <summary>Block of index <paramref name="index"/> among <paramref name="strata"/> (Fibonacci hashing).</summary>
    public static int Block(int index, int strata) => (int)((ulong)((uint)index * 2654435761u) * (ulong)strata >> 32);

    /// <summary>The items of item block <paramref name="block"/>, ascending.</summary>
    public int[] ItemsOf(int block) => _blockItems[block];

    /// <summary>Draws this epoch's rows from <paramref name="rng"/> into their cells.</summary>
    public void Draw(Random rng)
    {
        int n = _train.Count;
        var drawn = new int[n];
        var counts = new int[_strata * _strata];
        for (int s = 0; s < n; s++)
        {
            int row = rng.Next(n);
            drawn[s] = row;
            counts[CellOf(row)]++;
        }
        _start[0] = 0;
        for (int c = 0; c < counts.Length; c++) _start[c + 1] = _start[c] + counts[c];
        var next = _start[..^1].ToArray();
        foreach (int row in drawn) _rows[next[CellOf(row)]++] = row;
    }

    /// <summary>The rows of cell (user block, item block), in draw order.</summary>
    public ReadOnlySpan<int> Cell(int userBlock, int itemBlock)
    {
        int c = userBlock * _strata + itemBlock;
        return _rows.AsSpan(_start[c], _start[c + 1] - _start[c]);
    }

    private int CellOf(int row) => Block(_train.User[row], _strata) * _strata + Block(_train.Item[row], _strata);
}
