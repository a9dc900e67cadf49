namespace BlairClip.ML.Data.Parsing;

/// <summary>A block of whole lines of a file, copied out of the reader (<see cref="Utf8LineReader.TryReadLines"/>) so that
/// another thread can parse them; <see cref="Split"/> (run by that thread) finds the non-blank lines in it.</summary>
internal sealed class LineChunk
{
    /// <summary>Bytes per chunk unless told otherwise (~6,000 Amazon review lines).</summary>
    public const int DefaultBytes = 2 << 20;

    /// <summary>Room kept past a chunk's size for the end of the line that reaches it (most lines are shorter).</summary>
    private const int Slack = 1 << 16;

    private byte[] _bytes;
    private int[] _start = new int[256], _length = new int[256];
    private long[] _number = new long[256];
    private long _firstLine;
    private bool _split;

    /// <param name="bytes">The chunk size it is read with (<see cref="Utf8LineReader.TryReadLines"/>): its buffer is made
    /// that size (plus room for the line that reaches it) at once, unzeroed, as the reader overwrites it — grown from a
    /// small one, a 2 MB chunk had allocated and zeroed ~6 MB on the large object heap per file and chunk, a third of
    /// what loading the meta file allocated.</param>
    public LineChunk(int bytes = DefaultBytes) =>
        _bytes = GC.AllocateUninitializedArray<byte>((int)Math.Min(Array.MaxLength, (long)bytes + Slack));

    /// <summary>Non-blank lines (after <see cref="Split"/>).</summary>
    public int Count { get; private set; }
    /// <summary>Bytes read, line terminators included.</summary>
    public int Bytes { get; private set; }
    /// <summary>Lines read, blank ones included.</summary>
    public int LinesRead { get; private set; }

    public ReadOnlySpan<byte> this[int line] => _bytes.AsSpan(_start[line], _length[line]);
    /// <summary>The 1-based line number in the file of line <paramref name="line"/>.</summary>
    public long LineNumber(int line) => _number[line];

    /// <summary>Empties the chunk for a block whose first line is line <paramref name="firstLine"/> of the file.</summary>
    internal void Start(long firstLine)
    {
        _firstLine = firstLine;
        Bytes = LinesRead = Count = 0;
        _split = false;
    }

    /// <summary>Room for at least <paramref name="bytes"/> more bytes after those held.</summary>
    internal Span<byte> Free(int bytes)
    {
        if ((long)Bytes + bytes > _bytes.Length)
        {
            var grown = GC.AllocateUninitializedArray<byte>((int)Math.Min(Array.MaxLength, Math.Max(_bytes.Length * 2L, (long)Bytes + bytes)));
            _bytes.AsSpan(0, Bytes).CopyTo(grown);
            _bytes = grown;
        }
        return _bytes.AsSpan(Bytes);
    }

    internal ReadOnlySpan<byte> Held => _bytes.AsSpan(0, Bytes);

    internal void Commit(int bytes) => Bytes += bytes;

    /// <summary>Keeps the first <paramref name="bytes"/> bytes, <paramref name="lines"/> lines.</summary>
    internal void Keep(int bytes, int lines)
    {
        Bytes = bytes;
        LinesRead = lines;
    }

    /// <summary>Indexes the non-blank lines: LF or CRLF endings, a UTF-8 byte order mark dropped from the file's first
    /// line (as <see cref="Utf8LineReader.TryReadLine"/> does).</summary>
    public void Split()
    {
        if (_split) return;
        var block = _bytes.AsSpan(0, Bytes);
        int count = 0, at = 0;
        for (int k = 0; k < LinesRead; k++)
        {
            int nl = block[at..].IndexOf((byte)'\n');
            int length = nl < 0 ? block.Length - at : nl, start = at;
            at += length + 1;
            if (length > 0 && block[start + length - 1] == (byte)'\r') length--;
            if (k == 0 && _firstLine == 1 && block.Slice(start, length).StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) { start += 3; length -= 3; }
            if (ParallelLineParser.IsBlank(block.Slice(start, length))) continue;
            if (count == _start.Length)
            {
                Array.Resize(ref _start, count * 2); Array.Resize(ref _length, count * 2); Array.Resize(ref _number, count * 2);
            }
            _start[count] = start; _length[count] = length; _number[count] = _firstLine + k;
            count++;
        }
        Count = count;
        _split = true;
    }
}

/// <summary>
/// Parses a line file on all cores while keeping file order: the file is read in blocks of whole lines (chunks), a
/// batch of two chunks per core at a time, and split into lines by the threads that parse them. While the workers
/// parse one batch (each chunk into its own <typeparamref name="T"/>), the calling thread applies the batch before it,
/// chunk by chunk in file order, and reads the next. Memory stays bounded by two batches, and whatever <c>apply</c>
/// numbers (users by first event, items by first line) comes out as with one thread. A failure in reading or applying
/// stops the pipeline after the batch being parsed has finished.
/// </summary>
internal static class ParallelLineParser
{
    /// <param name="lines">The file's lines; blank lines are skipped.</param>
    /// <param name="create">A parse result with its scratch space; one per chunk, reused batch after batch.</param>
    /// <param name="parse">Parses a chunk into its result (on a worker; may only read shared state). Chunks of blank
    /// lines only are neither parsed nor applied.</param>
    /// <param name="apply">Consumes a chunk's result, in file order, on the calling thread.</param>
    /// <param name="afterFirstBatch">Called once, after the first batch is applied, with its bytes and lines, blank ones
    /// and terminators included (e.g. to size tables for the whole file).</param>
    /// <param name="chunkBytes">Bytes per chunk (<see cref="LineChunk.DefaultBytes"/>); a longer line makes a chunk of its own.</param>
    /// <param name="workers">Parsing threads; 0 = all cores.</param>
    public static void Run<T>(Utf8LineReader lines, Func<T> create, Action<LineChunk, T> parse, Action<LineChunk, T> apply,
        Action<long, long>? afterFirstBatch = null, int chunkBytes = LineChunk.DefaultBytes, int workers = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        workers = workers > 0 ? workers : Math.Max(1, Environment.ProcessorCount);
        var batches = new (LineChunk Lines, T Result)[2][];
        for (int b = 0; b < 2; b++) batches[b] = Enumerable.Range(0, 2 * workers).Select(_ => (new LineChunk(chunkBytes), create())).ToArray();
        bool more = true;

        int Read((LineChunk Lines, T Result)[] batch)
        {
            int filled = 0;
            while (filled < batch.Length && (more = lines.TryReadLines(batch[filled].Lines, chunkBytes))) filled++;
            return filled;
        }

        // A thread of its own (LongRunning): a pool task not yet started when the caller waits for it would run inline on
        // the caller, and the batch after it would then not overlap anything.
        Task Parse((LineChunk Lines, T Result)[] batch, int filled) => Task.Factory.StartNew(() =>
            Parallel.For(0, filled, new ParallelOptions { MaxDegreeOfParallelism = workers }, k =>
            {
                batch[k].Lines.Split();
                if (batch[k].Lines.Count > 0) parse(batch[k].Lines, batch[k].Result);
            }),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        void Apply((LineChunk Lines, T Result)[] batch, int filled)
        {
            // A chunk of blank lines has nothing to apply (and was not parsed).
            for (int k = 0; k < filled; k++)
                if (batch[k].Lines.Count > 0) apply(batch[k].Lines, batch[k].Result);
        }

        int current = 0, count = Read(batches[0]);
        var parsing = Parse(batches[0], count);
        bool firstApplied = false;
        try
        {
            while (true)
            {
                // Batch `current` is being parsed; the other one is free.
                int nextCount = more ? Read(batches[1 - current]) : 0;
                parsing.GetAwaiter().GetResult();
                if (nextCount > 0) parsing = Parse(batches[1 - current], nextCount);
                Apply(batches[current], count);
                if (!firstApplied)
                {
                    firstApplied = true;
                    afterFirstBatch?.Invoke(batches[current].Take(count).Sum(c => (long)c.Lines.Bytes),
                        batches[current].Take(count).Sum(c => (long)c.Lines.LinesRead));
                }
                if (nextCount == 0) break;
                current = 1 - current;
                count = nextCount;
            }
        }
        finally
        {
            // No worker may outlive the reader its chunks came from.
            try { parsing.Wait(); } catch (AggregateException) { }
        }
    }

    public static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim(" \t"u8).IsEmpty;
}
