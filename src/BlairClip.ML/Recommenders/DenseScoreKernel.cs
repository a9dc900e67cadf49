using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BlairClip.ML.Recommenders;

/// <summary>
/// The evaluator's dense counting kernel: for blocks of users × items it counts, inside the kernel, how many items score
/// above each user's held-out item (<see cref="Count"/>) — no score matrix written, nothing sorted.
/// <para>Exactness: the kernel keeps 8 <em>items</em> in the lanes of a register and walks k with one FMA chain per pair,
/// which rounds differently from the scores every other path uses (<see cref="ItemMatrix.DotDense"/>: 8 partial sums
/// along k). So it is used as a filter: an item whose kernel score is farther from the target than a bound on the two
/// arithmetics' difference is decided by it; the few within the bound are scored again by the exact arithmetic. The
/// counts are therefore exactly those of the exact scores, and ranks never drift by one.</para>
/// <para>Layout: items are packed once into panels of 8, k-major (<c>panel[k][lane]</c>; padding lanes zero and never
/// counted). A tile is 4 users × 16 items (two panels): per k, 2 loads and 4 broadcasts feed 8 FMAs.</para>
/// </summary>
internal static class DenseScoreKernel
{
    public const int Lanes = 8;
    private const int TileUsers = 4, TilePanels = 2;
    /// <summary>Panels per item block: 64 × 8 items × 64 floats = 128 KB at 64-d, resident in L2 while a user block streams over it.</summary>
    private const int BlockPanels = 64;

    private static bool Fused => System.Runtime.Intrinsics.X86.Fma.IsSupported;

    /// <summary>float32's unit round-off, 2^-24.</summary>
    public const float UnitRoundoff = 5.9604645e-8f;
    private static bool Simd => Vector256.IsHardwareAccelerated;

    /// <summary>Items [rows, dim] row-major packed into panels [ceil(rows / 8) rounded up to even][dim][8], padding zero.</summary>
    public static float[] Pack(float[] items, int rows, int dim)
    {
        int panels = PanelCount(rows);
        var packed = new float[(long)panels * dim * Lanes];
        for (int j = 0; j < rows; j++)
        {
            long baseOffset = (long)(j / Lanes) * dim * Lanes + j % Lanes;
            for (int k = 0; k < dim; k++) packed[baseOffset + k * Lanes] = items[(long)j * dim + k];
        }
        return packed;
    }

    /// <summary>Panels for <paramref name="rows"/> items (even, so tiles of two panels cover them).</summary>
    public static int PanelCount(int rows) => ((rows + Lanes - 1) / Lanes + 1) & ~1;

    /// <summary>For each query q with target score t_q (computed by the caller's exact arithmetic): higher[q] =
    /// #{j : exact(q, j) &gt; t_q} and equal[q] = #{j : exact(q, j) = t_q} over all <paramref name="rows"/> items. The kernel's
    /// own scores decide every item farther than <paramref name="margins"/>[q] from t_q (the two arithmetics differ by
    /// less than that); the few within it are scored again by <paramref name="exact"/> and compared exactly. NaN scores
    /// count in neither. A query whose target or margin is not finite gets higher = −1 (the caller ranks it otherwise).</summary>
    public static void Count(float[] packed, float[]? bias, int rows, int dim, float[] profiles, int queries, ReadOnlySpan<float> targets,
        ReadOnlySpan<float> margins, Func<int, int, float> exact, Span<int> higher, Span<int> equal)
    {
        int panels = PanelCount(rows);
        var padded = PadUsers(profiles, queries, dim, out int users);
        var t = new float[users];
        var m = new float[users];
        targets[..queries].CopyTo(t);
        margins[..queries].CopyTo(m);
        var h = new int[users];
        var e = new int[users];
        // Parallel over item blocks: a block (128 KB at 64-d) stays in L2 while every user tile of the batch passes over it;
        // each thread counts into its own arrays, added up at the end (integer sums: the order does not matter).
        int blocks = (panels + BlockPanels - 1) / BlockPanels;
        var gate = new object();
        (int[] H, int[] E, float[] Tile) Init() => (new int[users], new int[users], new float[TileUsers * TilePanels * Lanes]);
        (int[] H, int[] E, float[] Tile) Block(int b, (int[] H, int[] E, float[] Tile) local)
        {
            int p0 = b * BlockPanels, p1 = Math.Min(panels, p0 + BlockPanels);
            for (int u = 0; u < users; u += TileUsers)
                for (int p = p0; p < p1; p += TilePanels)
                {
                    Tile(packed, padded, u, p, dim, bias, local.Tile);
                    int valid = Math.Clamp(rows - p * Lanes, 0, TilePanels * Lanes);
                    for (int r = 0; r < TileUsers && u + r < queries; r++)
                    {
                        var (gt, near) = CountTile(local.Tile.AsSpan(r * TilePanels * Lanes, TilePanels * Lanes), t[u + r], m[u + r], valid);
                        local.H[u + r] += gt;
                        // The near ones: decided by the exact arithmetic.
                        while (near != 0)
                        {
                            int j = p * Lanes + BitOperations.TrailingZeroCount(near);
                            near &= near - 1;
                            float s = exact(u + r, j);
                            if (s > t[u + r]) local.H[u + r]++;
                            else if (s == t[u + r]) local.E[u + r]++;
                        }
                    }
                }
            return local;
        }
        void Merge((int[] H, int[] E, float[] Tile) local)
        {
            lock (gate)
                for (int u = 0; u < users; u++) { h[u] += local.H[u]; e[u] += local.E[u]; }
        }
        if ((long)queries * rows * dim < 1 << 22 || Environment.ProcessorCount == 1)
        {
            var local = Init();
            for (int b = 0; b < blocks; b++) Block(b, local);
            Merge(local);
        }
        else Parallel.For(0, blocks, Init, (b, _, local) => Block(b, local), Merge);
        for (int q = 0; q < queries; q++)
        {
            bool finite = float.IsFinite(t[q]) && float.IsFinite(m[q]);
            higher[q] = finite ? h[q] : -1;
            equal[q] = finite ? e[q] : 0;
        }
    }

    /// <summary>Over the first <paramref name="valid"/> of a user's 16 tile scores: how many lie above t + margin, and a
    /// bit mask of those within [t − margin, t + margin].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Higher, uint Near) CountTile(ReadOnlySpan<float> scores, float target, float margin, int valid)
    {
        float hi = target + margin, lo = target - margin;
        uint above, near;
        if (Simd)
        {
            var vh = Vector256.Create(hi);
            var vl = Vector256.Create(lo);
            var a = Vector256.Create(scores);
            var b = Vector256.Create(scores[Lanes..]);
            above = Vector256.GreaterThan(a, vh).ExtractMostSignificantBits() | Vector256.GreaterThan(b, vh).ExtractMostSignificantBits() << 8;
            uint atLeast = Vector256.GreaterThanOrEqual(a, vl).ExtractMostSignificantBits() | Vector256.GreaterThanOrEqual(b, vl).ExtractMostSignificantBits() << 8;
            near = atLeast & ~above;
        }
        else
        {
            above = 0; near = 0;
            for (int k = 0; k < TilePanels * Lanes; k++)
            {
                if (scores[k] > hi) above |= 1u << k;
                else if (scores[k] >= lo) near |= 1u << k;
            }
        }
        uint mask = valid >= 32 ? uint.MaxValue : (1u << valid) - 1;
        return (BitOperations.PopCount(above & mask), near & mask);
    }

    /// <summary>The 4 users × 16 items tile at (user <paramref name="u"/>, panel <paramref name="p"/>) into
    /// <paramref name="tile"/> [4][16].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Tile(float[] packed, float[] profiles, int u, int p, int dim, float[]? bias, float[] tile)
    {
        fixed (float* x = packed)
        fixed (float* pr = profiles)
        fixed (float* o = tile)
        {
            float* x0 = x + (long)p * dim * Lanes, x1 = x0 + (long)dim * Lanes;
            float* q0 = pr + (long)u * dim, q1 = q0 + dim, q2 = q1 + dim, q3 = q2 + dim;
            if (Simd)
            {
                Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default,
                    a20 = default, a21 = default, a30 = default, a31 = default;
                for (int k = 0; k < dim; k++)
                {
                    var v0 = Vector256.Load(x0 + k * Lanes);
                    var v1 = Vector256.Load(x1 + k * Lanes);
                    var w = Vector256.Create(q0[k]);
                    a00 = MulAdd(w, v0, a00); a01 = MulAdd(w, v1, a01);
                    w = Vector256.Create(q1[k]);
                    a10 = MulAdd(w, v0, a10); a11 = MulAdd(w, v1, a11);
                    w = Vector256.Create(q2[k]);
                    a20 = MulAdd(w, v0, a20); a21 = MulAdd(w, v1, a21);
                    w = Vector256.Create(q3[k]);
                    a30 = MulAdd(w, v0, a30); a31 = MulAdd(w, v1, a31);
                }
                if (bias is not null)
                {
                    fixed (float* b = bias)
                    {
                        var b0 = Vector256.Load(b + (long)p * Lanes);
                        var b1 = Vector256.Load(b + (long)p * Lanes + Lanes);
                        a00 += b0; a01 += b1; a10 += b0; a11 += b1; a20 += b0; a21 += b1; a30 += b0; a31 += b1;
                    }
                }
                a00.Store(o); a01.Store(o + 8); a10.Store(o + 16); a11.Store(o + 24);
                a20.Store(o + 32); a21.Store(o + 40); a30.Store(o + 48); a31.Store(o + 56);
                return;
            }
            // Scalar fallback: the same chain per pair.
            for (int r = 0; r < TileUsers; r++)
                for (int l = 0; l < TilePanels * Lanes; l++)
                {
                    float* xs = (l < Lanes ? x0 : x1) + l % Lanes;
                    float* qs = q0 + r * dim;
                    float s = 0;
                    for (int k = 0; k < dim; k++) s += qs[k] * xs[k * Lanes];
                    if (bias is not null) s += bias[p * Lanes + l];
                    o[r * TilePanels * Lanes + l] = s;
                }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MulAdd(Vector256<float> w, Vector256<float> v, Vector256<float> acc) =>
        Fused ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(w, v, acc) : acc + w * v;

    /// <summary>Profiles with the user count rounded up to a whole tile (extra rows zero).</summary>
    private static float[] PadUsers(float[] profiles, int queries, int dim, out int users)
    {
        users = (queries + TileUsers - 1) / TileUsers * TileUsers;
        if (users == queries && profiles.Length == (long)users * dim) return profiles;
        var padded = new float[(long)users * dim];
        Array.Copy(profiles, padded, (long)queries * dim);
        return padded;
    }

    /// <summary>Bias padded to the panels (padding 0), or null.</summary>
    public static float[]? PadBias(float[]? bias, int rows)
    {
        if (bias is null) return null;
        var padded = new float[PanelCount(rows) * Lanes];
        bias.AsSpan(0, rows).CopyTo(padded);
        return padded;
    }
}
