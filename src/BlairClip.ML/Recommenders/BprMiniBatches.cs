using System.Runtime.Intrinsics;
using BlairClip.ML.Core;

namespace BlairClip.ML.Recommenders;

/// <summary>
/// BPR's deterministic parallel schedule (<see cref="BprSchedule.Deterministic"/>): each epoch draws as many samples as
/// there are training interactions, in mini-batches of <see cref="Batch"/>. Within a batch every sample's gradient is
/// computed — on all threads — from the factors as they stood at the batch's start, and each factor row then receives
/// its samples' updates in sample order. Draw s of epoch e (its training row and its negatives) is a fixed function of
/// (seed, e, s) (SplitMix64), so which thread computes what does not matter: the factors are bit-identical for a seed
/// whatever the thread count. Negatives are uniform over the whole catalog, redrawn (up to 64 times) while in the
/// user's history, as in the sequential schedule.
/// <para>A batch runs in three steps on a <see cref="LockstepTeam"/>, each member taking a contiguous chunk of the
/// batch's samples: (1) draw the samples, counting in the member's own small table how often each row (user or item)
/// occurs; (2) compute the gradients — a row no other sample of the batch touches (most users, most negatives) is
/// updated in place at once; a row several samples of one chunk touch is updated by that chunk at the end of its pass;
/// (3) rows shared between chunks (popular items) are updated by the member that owns them (row mod members), in sample
/// order — in the same team step as the next batch's step 1, which touches no factor. A member learns which of its rows
/// other chunks touch from their lists of rows, read once at the start of step 2, and hands each shared update to the
/// row's owner in a list of its own: what one core wrote, the other reads in a few sequential passes per batch, not
/// one cache line at a time (see <see cref="RowCounts"/>). Step 1 runs its reads as stages
/// over the whole chunk, each prefetching what the next needs, and step 2 prefetches the factor rows of
/// <see cref="Group"/> samples before stepping through them, so cache misses overlap instead of being paid one after
/// another.</para>
/// </summary>
internal sealed class BprMiniBatches(BprOptions options, Interactions train, UserHistories histories, int items, int seed, int threads)
{
    /// <summary>Samples per mini-batch: small next to the catalog (few samples of a batch share a row), large enough to
    /// amortise the fork and join. It is part of the algorithm: another size gives other factors.</summary>
    public const int Batch = 1024;

    /// <summary>Samples whose factor rows step 2 prefetches together before computing them. Prefetching a group and then
    /// stepping through it measured 0.91× (2 threads) and 0.81× (1 thread) the epoch time of a window sliding the same
    /// distance ahead, in paired epochs (Appliances scale, 64 factors): the group's ~40 line fetches are in flight at
    /// once. Longer groups (up to 128) and prefetching the next group while computing this one measured no better.
    /// Timing only: the factors do not depend on it.</summary>
    private const int Group = 8;

    /// <summary>Most members a batch is shared among.</summary>
    private const int MaxChunks = 8;

    /// <summary>Where one of a sample's three row updates (user, positive, negative) is applied.</summary>
    private enum Route : byte
    {
        /// <summary>No other sample of the batch touches the row: applied in place as it is computed.</summary>
        Now = 0,
        /// <summary>Other samples of the same chunk touch it: applied at the end of the chunk's pass, in sample order.</summary>
        ChunkEnd = 1,
        /// <summary>Samples of several chunks touch it: applied after all chunks have finished, by the row's owner.</summary>
        Shared = 2,
    }

    /// <summary>A training interaction with its user's history (a range of <see cref="UserHistories.AllItems"/>): one
    /// 16-byte record, so that drawing a sample reads one cache line for all four.</summary>
    private readonly record struct TrainingRow(int User, int Item, int From, int To);

    public void Train(float[] p, float[] q, float[] bias, IProgressTask progress)
    {
        int k = options.Factors, n = train.Count;
        int chunks = Math.Clamp(threads, 1, MaxChunks);
        var offsets = histories.Offsets;
        // A copy (7 MB at Appliances scale) the steps below can capture — UserHistories lends its items only as a span —
        // on huge pages, as it is indexed at random.
        var seen = HugePages.Allocate<int>(histories.AllItems.Length);
        histories.AllItems.CopyTo(seen);
        var table = HugePages.Allocate<TrainingRow>(n);
        for (int r = 0; r < n; r++)
        {
            int u = train.User[r];
            table[r] = new(u, train.Item[r], offsets[u], offsets[u + 1]);
        }
        // The samples of two consecutive batches (step 1 of the next batch runs beside step 3 of this one), and the
        // updates that wait (ChunkEnd, Shared).
        Samples[] batches = [new(), new()];
        var draw = new int[Batch];
        var routes = new Route[Batch * 3];
        var gp = new float[Batch * k];
        var gi = new float[Batch * k];
        var gj = new float[Batch * k];
        var gb = new float[Batch * 2];
        var counts = new RowCounts[chunks];
        for (int c = 0; c < chunks; c++) counts[c] = new RowCounts(3 * (Batch / chunks + 1));
        // The Shared updates member c computed for rows member o owns, in sample order: deferred[c * chunks + o]. The owner
        // reads only these, not the whole batch's samples and routes, most of which another core wrote.
        var deferred = new Deferred[chunks * chunks];
        for (int d = 0; d < deferred.Length; d++) deferred[d] = new Deferred(3 * (Batch / chunks + 1));
        using var team = new LockstepTeam(chunks, "BPR");

        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            ulong stream = (ulong)(uint)seed << 32 ^ (uint)epoch;
            int batchCount = (n + Batch - 1) / Batch;
            for (int b = 0; b < batchCount; b++)
            {
                Samples current = Slot(b), next = Slot(b + 1);
                if (chunks == 1) { Draw(current, 0); Compute(current, 0); }
                else
                {
                    if (b == 0) team.Run(c => Draw(current, c));
                    team.Run(c => Compute(current, c));
                    // Step 3 of this batch and step 1 of the next in one step: step 1 reads only the training table and
                    // the histories and writes the other batch's samples, so the two do not meet — one barrier fewer.
                    team.Run(c => { ApplyShared(c); Draw(next, c); });
                }
            }
            progress.Advance();

            // The buffer of batch b of this epoch, its range set (empty past the last batch).
            Samples Slot(int b)
            {
                var slot = batches[b & 1];
                slot.Start = b * Batch;
                slot.Count = b < batchCount ? Math.Min(Batch, n - slot.Start) : 0;
                return slot;
            }

            void Draw(Samples batch, int c)
            {
                int start = batch.Start, count = batch.Count;
                var rows = batch.Rows;
                int lo = count * c / chunks, hi = count * (c + 1) / chunks;
                var own = counts[c];
                own.Clear();
                for (int r = lo; r < hi; r++)
                {
                    int row = (int)(Mix(stream, 2 * (ulong)(start + r)) % (ulong)n);
                    draw[r] = row;
                    CacheLines.Prefetch(table, row);
                }
                for (int r = lo; r < hi; r++)
                {
                    var sample = rows[r] = table[draw[r]];
                    CacheLines.Prefetch(seen, sample.From);
                    draw[r] = (int)(Mix(stream, 2 * (ulong)(start + r) + 1) % (ulong)items);
                }
                for (int r = lo; r < hi; r++)
                {
                    long s = start + r;
                    var sample = rows[r];
                    var history = seen.AsSpan(sample.From, sample.To - sample.From);
                    int j = -1;
                    if (history.Length < items)
                        for (ulong attempt = 0; attempt < 64; attempt++)
                        {
                            int candidate = attempt == 0 ? draw[r] : (int)(Mix(stream, 2 * (ulong)s + 1 + (attempt << 40)) % (ulong)items);
                            if (history.BinarySearch(candidate) < 0) { j = candidate; break; }
                        }
                    batch.Negative[r] = j;
                    if (j < 0) continue;
                    own.Add(UserKey(sample.User));
                    own.Add(ItemKey(sample.Item));
                    own.Add(ItemKey(j));
                }
            }
        }

        void Compute(Samples batch, int c)
        {
            var (rows, negative) = (batch.Rows, batch.Negative);
            int lo = batch.Count * c / chunks, hi = batch.Count * (c + 1) / chunks;
            bool waits = false;
            var own = counts[c];
            for (int o = 0; o < chunks; o++) deferred[c * chunks + o].Count = 0;
            for (int other = 0; other < chunks; other++)
                if (other != c) own.MarkShared(counts[other].Keys);
            for (int r = lo; r < hi; r++)
            {
                if ((r - lo) % Group == 0)
                    for (int x = r, end = Math.Min(hi, r + Group); x < end; x++) PrefetchRows(batch, x);
                int j = negative[r];
                if (j < 0) continue;
                var (u, i, _, _) = rows[r];
                var ru = routes[3 * r] = own.RouteOf(UserKey(u));
                var ri = routes[3 * r + 1] = own.RouteOf(ItemKey(i));
                var rj = routes[3 * r + 2] = own.RouteOf(ItemKey(j));
                Step(p.AsSpan(u * k, k), q.AsSpan(i * k, k), q.AsSpan(j * k, k), ref bias[i], ref bias[j],
                    ru == Route.Now ? default : gp.AsSpan(r * k, k), ri == Route.Now ? default : gi.AsSpan(r * k, k),
                    rj == Route.Now ? default : gj.AsSpan(r * k, k), gb.AsSpan(2 * r, 2));
                waits |= (ru | ri | rj) != Route.Now;
                if (ru == Route.Shared) Defer(3 * r, u);
                if (ri == Route.Shared) Defer(3 * r + 1, i);
                if (rj == Route.Shared) Defer(3 * r + 2, j);
            }
            if (waits) ApplyChunkEnd(batch, lo, hi);

            void Defer(int update, int row) => deferred[c * chunks + row % chunks].Add(update, row);
        }

        // Applies the Shared updates of the rows member c owns: chunk by chunk, each chunk's in sample order.
        void ApplyShared(int c)
        {
            for (int from = 0; from < chunks; from++)
            {
                var list = deferred[from * chunks + c];
                for (int e = 0; e < list.Count; e++) ApplyUpdate(list.Updates[e], list.Rows[e]);
            }
        }

        // The factor rows and biases sample r's step reads (its final negative, after the history check).
        void PrefetchRows(Samples batch, int r)
        {
            int j = batch.Negative[r];
            if (j < 0) return;
            var (u, i, _, _) = batch.Rows[r];
            CacheLines.Prefetch<float>(p.AsSpan(u * k, k));
            CacheLines.Prefetch<float>(q.AsSpan(i * k, k));
            CacheLines.Prefetch<float>(q.AsSpan(j * k, k));
            CacheLines.Prefetch(bias, i);
            CacheLines.Prefetch(bias, j);
        }

        // Applies, in sample order, the ChunkEnd updates of samples [lo, hi) (one chunk's).
        void ApplyChunkEnd(Samples batch, int lo, int hi)
        {
            for (int r = lo; r < hi; r++)
            {
                int j = batch.Negative[r];
                if (j < 0) continue;
                var (u, i, _, _) = batch.Rows[r];
                if (routes[3 * r] == Route.ChunkEnd) ApplyUpdate(3 * r, u);
                if (routes[3 * r + 1] == Route.ChunkEnd) ApplyUpdate(3 * r + 1, i);
                if (routes[3 * r + 2] == Route.ChunkEnd) ApplyUpdate(3 * r + 2, j);
            }
        }

        // Adds waiting update `update` (3 × sample + 0 user, 1 positive, 2 negative) to its row.
        void ApplyUpdate(int update, int row)
        {
            int r = update / 3;
            switch (update - 3 * r)
            {
                case 0: Add(p.AsSpan(row * k, k), gp.AsSpan(r * k, k)); break;
                case 1: Add(q.AsSpan(row * k, k), gi.AsSpan(r * k, k)); bias[row] += gb[2 * r]; break;
                default: Add(q.AsSpan(row * k, k), gj.AsSpan(r * k, k)); bias[row] += gb[2 * r + 1]; break;
            }
        }
    }

    /// <summary>One mini-batch's samples: draw <see cref="Start"/> + r of the epoch is training row <see cref="Rows"/>[r]
    /// with negative <see cref="Negative"/>[r] (−1: none found; the sample is skipped).</summary>
    private sealed class Samples
    {
        public readonly TrainingRow[] Rows = new TrainingRow[Batch];
        public readonly int[] Negative = new int[Batch];
        public int Start, Count;
    }

    /// <summary>Waiting updates, each a sample's update (3 × sample + 0 user, 1 positive, 2 negative) and its row.</summary>
    private sealed class Deferred(int capacity)
    {
        public readonly int[] Updates = new int[capacity], Rows = new int[capacity];
        public int Count;

        public void Add(int update, int row) { Updates[Count] = update; Rows[Count++] = row; }
    }

    private static long UserKey(int user) => (long)user << 1;
    private static long ItemKey(int item) => (long)item << 1 | 1;

    /// <summary>How often each row occurs among one member's samples of the current batch, and whether another member's
    /// samples touch it too: an open-addressing table small enough to stay in the core's cache (a table over all users
    /// would be one more random memory access per sample). Only its member reads and writes it; the other members read
    /// its <see cref="Keys"/>, a list written in order, once per batch (<see cref="MarkShared"/>). Probing another
    /// member's table for each of a sample's three rows instead cost a cross-core cache miss per probe: with it, two
    /// threads ran no faster than one on a machine whose cores are far apart (214 ns one way), and the epochs took 1.49×
    /// as long as with the lists (alternating epochs of one fit, 2 threads, Appliances scale).</summary>
    private sealed class RowCounts
    {
        // 16 bytes: a member adds at most 3 × Batch keys (one member), so a short holds the count.
        private struct Slot { public long Key; public int Stamp; public short Count; public bool Shared; }

        private readonly Slot[] _slots;
        private readonly long[] _keys;
        private readonly int _shift;
        private int _stamp, _distinct;

        public RowCounts(int maxKeys)
        {
            int bits = Math.Max(6, 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(4 * maxKeys - 1)));
            _slots = new Slot[1 << bits];
            _keys = new long[maxKeys];
            _shift = 64 - bits;
        }

        /// <summary>The rows this member's samples touch, each once, in the order first added.</summary>
        public ReadOnlySpan<long> Keys => _keys.AsSpan(0, _distinct);

        /// <summary>Empties the table (slots of earlier stamps count as empty).</summary>
        public void Clear()
        {
            if (++_stamp == int.MaxValue) { Array.Clear(_slots); _stamp = 1; }
            _distinct = 0;
        }

        public void Add(long key)
        {
            ref var slot = ref Find(key);
            if (slot.Stamp == _stamp) { slot.Count++; return; }
            slot = new Slot { Key = key, Stamp = _stamp, Count = 1 };
            _keys[_distinct++] = key;
        }

        /// <summary>Marks, of <paramref name="others"/> (another member's <see cref="Keys"/>), the rows this member's samples
        /// touch too.</summary>
        public void MarkShared(ReadOnlySpan<long> others)
        {
            foreach (long key in others)
            {
                ref var slot = ref Find(key);
                if (slot.Stamp == _stamp) slot.Shared = true;
            }
        }

        /// <summary>The route of this member's update of the row <paramref name="key"/> (one it added).</summary>
        public Route RouteOf(long key)
        {
            ref var slot = ref Find(key);
            return slot.Shared ? Route.Shared : slot.Count == 1 ? Route.Now : Route.ChunkEnd;
        }

        // The slot holding key, or the empty slot (of an earlier stamp) where it would go.
        private ref Slot Find(long key)
        {
            int mask = _slots.Length - 1;
            for (int h = Hash(key); ; h = (h + 1) & mask)
            {
                ref var slot = ref _slots[h];
                if (slot.Stamp != _stamp || slot.Key == key) return ref slot;
            }
        }

        private int Hash(long key) => (int)((ulong)key * 0x9E3779B97F4A7C15UL >> _shift);
    }

    /// <summary>One sample's SGD updates of −ln σ(x_ui − x_uj) at the batch's factors (as <see cref="BprMatrixFactorization"/>'s
    /// sequential step): dp = η(g(q_i − q_j) − λp_u), dq_i = η(g p_u − λq_i), dq_j = η(−g p_u − λq_j), db_i = η(g − λ_b b_i),
    /// db_j = η(−g − λ_b b_j), with g = σ(−(x_ui − x_uj)). A row whose delta span is empty is updated in place (row + delta,
    /// the same sum the deferred update computes); the others' deltas are written to their spans, and the biases' to
    /// <paramref name="db"/> when their item's row waits.</summary>
    private void Step(Span<float> pu, Span<float> qi, Span<float> qj, ref float bi, ref float bj,
        Span<float> dp, Span<float> di, Span<float> dj, Span<float> db)
    {
        float lr = options.LearningRate, reg = options.Regularization, regB = options.BiasRegularization;
        bool inP = dp.IsEmpty, inI = di.IsEmpty, inJ = dj.IsEmpty;
        int n = pu.Length, f = 0;
        var acc = Vector256<float>.Zero;
        for (; f + 8 <= n; f += 8) acc += Vector256.Create(pu[f..]) * (Vector256.Create(qi[f..]) - Vector256.Create(qj[f..]));
        float dot = Vector256.Sum(acc);
        for (int r = f; r < n; r++) dot += pu[r] * (qi[r] - qj[r]);
        float g = 1f / (1f + MathF.Exp(bi - bj + dot));
        var vlr = Vector256.Create(lr);
        var vg = Vector256.Create(g);
        var vreg = Vector256.Create(reg);
        for (f = 0; f + 8 <= n; f += 8)
        {
            var u = Vector256.Create(pu[f..]);
            var a = Vector256.Create(qi[f..]);
            var c = Vector256.Create(qj[f..]);
            var du = vlr * (vg * (a - c) - vreg * u);
            var da = vlr * (vg * u - vreg * a);
            var dc = vlr * (-vg * u - vreg * c);
            if (inP) (u + du).CopyTo(pu[f..]); else du.CopyTo(dp[f..]);
            if (inI) (a + da).CopyTo(qi[f..]); else da.CopyTo(di[f..]);
            if (inJ) (c + dc).CopyTo(qj[f..]); else dc.CopyTo(dj[f..]);
        }
        for (; f < n; f++)
        {
            float uf = pu[f], af = qi[f], cf = qj[f];
            float du = lr * (g * (af - cf) - reg * uf), da = lr * (g * uf - reg * af), dc = lr * (-g * uf - reg * cf);
            if (inP) pu[f] = uf + du; else dp[f] = du;
            if (inI) qi[f] = af + da; else di[f] = da;
            if (inJ) qj[f] = cf + dc; else dj[f] = dc;
        }
        float dbi = lr * (g - regB * bi), dbj = lr * (-g - regB * bj);
        if (inI) bi += dbi; else db[0] = dbi;
        if (inJ) bj += dbj; else db[1] = dbj;
    }

    private static void Add(Span<float> target, ReadOnlySpan<float> delta) =>
        System.Numerics.Tensors.TensorPrimitives.Add(target, delta, target);

    /// <summary>Draw <paramref name="counter"/> of <paramref name="stream"/>: a fixed function, the same in every process.</summary>
    private static ulong Mix(ulong stream, ulong counter) =>
        SplitMix64.Finalize(stream * 0x9E3779B97F4A7C15UL + counter * 0xD1B54A32D192ED03UL + 0x632BE59BD9B4E019UL);
}
