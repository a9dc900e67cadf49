using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BlairClip.ML.Recommenders;

/// <summary>
/// The one arithmetic of every dense score <c>s(q, j) = p_q · x_j (+ bias_j)</c>, and the register-tiled SIMD kernel
/// that computes it for blocks of users × items — writing the scores (<see cref="Store"/>) or, for the evaluator,
/// counting in the kernel how many items score above and equal to each user's held-out item (<see cref="Count"/>), so
/// no score matrix is written and nothing is sorted.
/// <para>Arithmetic: <c>s = 0; for k in 0..dim: s = fma(p[k], x[k], s)</c> (a multiply then an add where the CPU has no
/// FMA), then <c>+ bias</c>. The kernel keeps 8 <em>items</em> in the lanes of a register and walks k, so each lane runs
/// exactly that chain; <see cref="Dot"/> runs it for one pair. A held-out item's score therefore comes from the same
/// arithmetic as the catalog's, bit for bit, and ranks never drift by one.</para>
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

    /// <summary>The score of one pair by the kernel's arithmetic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> p, ReadOnlySpan<float> x)
    {
        float s = 0;
        if (Fused && Simd) for (int k = 0; k < p.Length; k++) s = MathF.FusedMultiplyAdd(p[k], x[k], s);
        else for (int k = 0; k < p.Length; k++) s += p[k] * x[k];
        return s;
    }

    /// <summary>scores[q, j] = Dot(profiles[q], x_j) + bias[j] for q in [0, queries), j in [0, rows).</summary>
    public static unsafe void Store(float[] packed, float[]? bias, int rows, int dim, float[] profiles, int queries, Span<float> scores)
    {
        int panels = PanelCount(rows);
        int blocks = (panels + BlockPanels - 1) / BlockPanels;
        var padded = PadUsers(profiles, queries, dim, out int users);
        fixed (float* s = scores)
        {
            nint sp = (nint)s;
            void Block(int b)
            {
                int p0 = b * BlockPanels, p1 = Math.Min(panels, p0 + BlockPanels);
                var tile = new float[TileUsers * TilePanels * Lanes];
                for (int u = 0; u < users; u += TileUsers)
                    for (int p = p0; p < p1; p += TilePanels)
                    {
                        Tile(packed, padded, u, p, dim, bias, tile);
                        float* dst = (float*)sp;
                        for (int r = 0; r < TileUsers && u + r < queries; r++)
                        {
                            int j0 = p * Lanes, count = Math.Min(TilePanels * Lanes, rows - j0);
                            if (count <= 0) break;
                            new ReadOnlySpan<float>(tile, r * TilePanels * Lanes, count).CopyTo(new Span<float>(dst + (long)(u + r) * rows + j0, count));
                        }
                    }
            }
            if ((long)queries * rows * dim < 1 << 22 || Environment.ProcessorCount == 1)
                for (int b = 0; b < blocks; b++) Block(b);
            else Parallel.For(0, blocks, Block);
        }
    }

    /// <summary>For each query q with target t_q = <c>targets[q]</c>: higher[q] = #{j : s(q, j) &gt; t_q} and equal[q] =
    /// #{j : s(q, j) = t_q} over all <paramref name="rows"/> items (IEEE comparisons: NaN scores count in neither).</summary>
    public static void Count(float[] packed, float[]? bias, int rows, int dim, float[] profiles, int queries, ReadOnlySpan<float> targets,
        Span<int> higher, Span<int> equal)
    {
        int panels = PanelCount(rows);
        var padded = PadUsers(profiles, queries, dim, out int users);
        var t = new float[users];
        targets[..queries].CopyTo(t);
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
                    for (int r = 0; r < TileUsers; r++)
                    {
                        var (gt, eq) = CountTile(local.Tile.AsSpan(r * TilePanels * Lanes, TilePanels * Lanes), t[u + r], valid);
                        local.H[u + r] += gt; local.E[u + r] += eq;
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
        h.AsSpan(0, queries).CopyTo(higher);
        e.AsSpan(0, queries).CopyTo(equal);
    }

    /// <summary>Counts over the first <paramref name="valid"/> of a user's 16 tile scores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Higher, int Equal) CountTile(ReadOnlySpan<float> scores, float target, int valid)
    {
        if (Simd && valid == TilePanels * Lanes)
        {
            var tv = Vector256.Create(target);
            var a = Vector256.Create(scores);
            var b = Vector256.Create(scores[Lanes..]);
            uint gt = Vector256.GreaterThan(a, tv).ExtractMostSignificantBits() | Vector256.GreaterThan(b, tv).ExtractMostSignificantBits() << 8;
            uint eq = Vector256.Equals(a, tv).ExtractMostSignificantBits() | Vector256.Equals(b, tv).ExtractMostSignificantBits() << 8;
            return (BitOperations.PopCount(gt), BitOperations.PopCount(eq));
        }
        int h = 0, e = 0;
        for (int k = 0; k < valid; k++)
        {
            h += scores[k] > target ? 1 : 0;
            e += scores[k] == target ? 1 : 0;
        }
        return (h, e);
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
