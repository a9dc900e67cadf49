namespace BlairClip.ML.Data.Parsing;

/// <summary>Non-blank lines of a file copied out of the reader (whose spans only live until its next read), so that
/// they can be parsed on another thread.</summary>
internal sealed class LineChunk(int capacity)
{
    /// <summary>Lines per chunk unless told otherwise.</summary>
    public const int DefaultLines = 8192;

    private byte[] _bytes = new byte[Math.Min(capacity * 128, 1 << 20)];
    private readonly int[] _start = new int[capacity], _length = new int[capacity];
    private readonly long[] _number = new long[capacity];
    private int _used;

    public int Count { get; private set; }
    /// <summary>Bytes held (line terminators not counted).</summary>
    public long Bytes => _used;

    public ReadOnlySpan<byte> this[int line] => _bytes.AsSpan(_start[line], _length[line]);
    /// <summary>The 1-based line number in the file of line <paramref name="line"/>.</summary>
    public long LineNumber(int line) => _number[line];
    public bool IsFull => Count == _start.Length;

    public void Add(ReadOnlySpan<byte> line, long number)
    {
        if (_used + line.Length > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + line.Length));
        line.CopyTo(_bytes.AsSpan(_used));
        _start[Count] = _used; _length[Count] = line.Length; _number[Count] = number;
        _used += line.Length; Count++;
    }

    public void Reset() => Count = _used = 0;
}

/// <summary>
/// Parses a line file on all cores while keeping file order: lines are read into chunks, a batch of two chunks per
/// core at a time; while the workers parse one batch (each chunk into its own <typeparamref name="T"/>), the calling
/// thread applies the batch before it, chunk by chunk in file order, and reads the next. Memory stays bounded by two
/// batches, and whatever <c>apply</c> numbers (users by first event, items by first line) comes out as with one
/// thread. A failure in reading or applying stops the pipeline after the batch being parsed has finished.
/// </summary>
internal static class ParallelLineParser
{
    /// <param name="lines">The file's lines; blank lines are skipped.</param>
    /// <param name="create">A parse result with its scratch space; one per chunk, reused batch after batch.</param>
    /// <param name="parse">Parses a chunk into its result (on a worker; may only read shared state).</param>
    /// <param name="apply">Consumes a chunk's result, in file order, on the calling thread.</param>
    /// <param name="afterFirstBatch">Called once, after the first batch is applied, with its bytes and lines (e.g. to
    /// size tables for the whole file).</param>
    /// <param name="chunkLines">Lines per chunk (<see cref="LineChunk.DefaultLines"/>).</param>
    /// <param name="workers">Parsing threads; 0 = all cores.</param>
    public static void Run<T>(Utf8LineReader lines, Func<T> create, Action<LineChunk, T> parse, Action<LineChunk, T> apply,
        Action<long, long>? afterFirstBatch = null, int chunkLines = LineChunk.DefaultLines, int workers = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkLines, 1);
        workers = workers > 0 ? workers : Math.Max(1, Environment.ProcessorCount);
        var batches = new (LineChunk Lines, T Result)[2][];
        for (int b = 0; b < 2; b++) batches[b] = Enumerable.Range(0, 2 * workers).Select(_ => (new LineChunk(chunkLines), create())).ToArray();
        bool more = true;

        int Read((LineChunk Lines, T Result)[] batch)
        {
            int filled = 0;
            for (; filled < batch.Length && more; filled++)
            {
                var c = batch[filled].Lines;
                c.Reset();
                while (!c.IsFull && (more = lines.TryReadLine(out var line)))
                    if (!IsBlank(line)) c.Add(line, lines.LineNumber);
                if (c.Count == 0) break;
            }
            return filled;
        }

        // A thread of its own (LongRunning): a pool task not yet started when the caller waits for it would run inline on
        // the caller, and the batch after it would then not overlap anything.
        Task Parse((LineChunk Lines, T Result)[] batch, int filled) => Task.Factory.StartNew(() =>
            Parallel.For(0, filled, new ParallelOptions { MaxDegreeOfParallelism = workers }, k => parse(batch[k].Lines, batch[k].Result)),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        void Apply((LineChunk Lines, T Result)[] batch, int filled)
        {
            for (int k = 0; k < filled; k++) apply(batch[k].Lines, batch[k].Result);
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
                    afterFirstBatch?.Invoke(batches[current].Take(count).Sum(c => c.Lines.Bytes + c.Lines.Count),
                        batches[current].Take(count).Sum(c => (long)c.Lines.Count));
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
