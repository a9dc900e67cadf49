namespace BlairClip.ML.Text;

/// <summary>NumPy's default <c>np.argsort(a)</c> (<c>kind='quicksort'</c>) for a float64 array, reproduced step by
/// step: an introsort (median-of-three quicksort, insertion sort for partitions of at most 16 elements, heapsort
/// when the depth budget <c>2·floor(log2 n)</c> runs out). It is not stable, so the order of equal values is
/// whatever this exact procedure produces. scikit-learn's <c>max_features</c> cut uses it
/// (<c>(-tfs).argsort()[:limit]</c>), so reproducing it is the only way to keep the same terms when counts tie at
/// the cut. Matches NumPy 1.x's generic path (NumPy ≥ 1.25 may use AVX-512 argsort for some dtypes on some CPUs).</summary>
internal static class NumpyArgsort
{
    private const int SmallQuicksort = 15;

    /// <summary>The permutation that sorts <paramref name="v"/> ascending, as NumPy's argsort returns it.
    /// NaN compares as NumPy does (after every number).</summary>
    public static int[] Argsort(ReadOnlySpan<double> v)
    {
        int num = v.Length;
        var tosort = new int[num];
        for (int i = 0; i < num; i++) tosort[i] = i;
        if (num < 2) return tosort;

        var stack = new int[128];
        var depth = new int[64];
        int sp = 0, dp = 0;
        int pl = 0, pr = num - 1;
        int cdepth = Msb(num) * 2;
        for (;;)
        {
            if (cdepth < 0)
            {
                HeapArgsort(v, tosort.AsSpan(pl, pr - pl + 1));
            }
            else
            {
                while (pr - pl > SmallQuicksort)
                {
                    int pm = pl + ((pr - pl) >> 1);
                    if (Less(v[tosort[pm]], v[tosort[pl]])) Swap(tosort, pm, pl);
                    if (Less(v[tosort[pr]], v[tosort[pm]])) Swap(tosort, pr, pm);
                    if (Less(v[tosort[pm]], v[tosort[pl]])) Swap(tosort, pm, pl);
                    double vp = v[tosort[pm]];
                    int pi = pl, pj = pr - 1;
                    Swap(tosort, pm, pj);
                    for (;;)
                    {
                        do ++pi; while (Less(v[tosort[pi]], vp));
                        do --pj; while (Less(vp, v[tosort[pj]]));
                        if (pi >= pj) break;
                        Swap(tosort, pi, pj);
                    }
                    Swap(tosort, pi, pr - 1);
                    // Push the larger partition, continue with the smaller.
                    if (pi - pl < pr - pi)
                    {
                        stack[sp++] = pi + 1; stack[sp++] = pr;
                        pr = pi - 1;
                    }
                    else
                    {
                        stack[sp++] = pl; stack[sp++] = pi - 1;
                        pl = pi + 1;
                    }
                    depth[dp++] = --cdepth;
                }
                for (int pi = pl + 1; pi <= pr; pi++)
                {
                    int vi = tosort[pi];
                    double vp = v[vi];
                    int pj = pi;
                    while (pj > pl && Less(vp, v[tosort[pj - 1]]))
                    {
                        tosort[pj] = tosort[pj - 1];
                        pj--;
                    }
                    tosort[pj] = vi;
                }
            }
            if (sp == 0) break;
            pr = stack[--sp];
            pl = stack[--sp];
            cdepth = depth[--dp];
        }
        return tosort;
    }

    /// <summary>NumPy's <c>aheapsort_</c> on one partition (1-based heap indexing as in the original).</summary>
    private static void HeapArgsort(ReadOnlySpan<double> v, Span<int> part)
    {
        int n = part.Length;
        // a[k] = part[k - 1]
        int i, j, l, tmp;
        for (l = n >> 1; l > 0; --l)
        {
            tmp = part[l - 1];
            for (i = l, j = l << 1; j <= n;)
            {
                if (j < n && Less(v[part[j - 1]], v[part[j]])) j += 1;
                if (Less(v[tmp], v[part[j - 1]]))
                {
                    part[i - 1] = part[j - 1];
                    i = j;
                    j += j;
                }
                else break;
            }
            part[i - 1] = tmp;
        }
        for (; n > 1;)
        {
            tmp = part[n - 1];
            part[n - 1] = part[0];
            n -= 1;
            for (i = 1, j = 2; j <= n;)
            {
                if (j < n && Less(v[part[j - 1]], v[part[j]])) j++;
                if (Less(v[tmp], v[part[j - 1]]))
                {
                    part[i - 1] = part[j - 1];
                    i = j;
                    j += j;
                }
                else break;
            }
            part[i - 1] = tmp;
        }
    }

    /// <summary>NumPy's float ordering: <c>a &lt; b || (b != b &amp;&amp; a == a)</c>, i.e. NaN sorts last.</summary>
    private static bool Less(double a, double b) => a < b || (double.IsNaN(b) && !double.IsNaN(a));

    private static void Swap(int[] a, int i, int j) => (a[i], a[j]) = (a[j], a[i]);

    private static int Msb(int n)
    {
        int depth = 0;
        while ((n >>= 1) != 0) depth++;
        return depth;
    }
}
