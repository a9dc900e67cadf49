using System.Text;
using BlairClip.ML.Data.Parsing;
using FluentAssertions;

namespace BlairClip.ML.Tests.Data;

public class ParallelLineParserTests
{
    private static Utf8LineReader Lines(IEnumerable<string> lines) =>
        new(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines))), "test.txt");

    private sealed class Parsed
    {
        public readonly List<(long Line, int Value)> Values = new();
        public int Worker;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(9, 2)]
    [InlineData(23, 3)]
    public void Run_ManyBatches_AppliesEveryLineOnceInFileOrder_ParsedOffTheCallingThread(int chunkBytes, int workers)
    {
        // 300 lines with blanks among them: dozens of batches of 2 × workers chunks.
        var text = Enumerable.Range(0, 300).Select(i => i % 10 == 3 ? "  " : i.ToString()).ToList();
        var applied = new List<(long Line, int Value)>();
        int caller = Environment.CurrentManagedThreadId, parsedElsewhere = 0;
        (long Bytes, long Lines)? first = null;
        using var lines = Lines(text);
        ParallelLineParser.Run(lines, () => new Parsed(),
            (chunk, p) =>
            {
                p.Values.Clear();
                p.Worker = Environment.CurrentManagedThreadId;
                Thread.Sleep(1); // long enough for pool threads to take part
                for (int l = 0; l < chunk.Count; l++) p.Values.Add((chunk.LineNumber(l), int.Parse(Encoding.UTF8.GetString(chunk[l]))));
            },
            (_, p) =>
            {
                Environment.CurrentManagedThreadId.Should().Be(caller, "results are applied on the calling thread");
                if (p.Worker != caller) parsedElsewhere++;
                applied.AddRange(p.Values);
            },
            (bytes, count) => first ??= (bytes, count),
            chunkBytes, workers);

        var expected = text.Select((t, i) => (Line: (long)i + 1, t)).Where(x => x.t.Trim().Length > 0).Select(x => (x.Line, int.Parse(x.t))).ToList();
        applied.Should().Equal(expected);
        parsedElsewhere.Should().BePositive();
        // The first batch: 2 × workers chunks of whole lines, each ending with the line that reaches chunkBytes.
        long firstLines = 0, firstBytes = 0;
        for (int c = 0; c < 2 * workers && firstLines < text.Count; c++)
        {
            long chunk = 0;
            while (chunk < chunkBytes && firstLines < text.Count) chunk += Encoding.UTF8.GetByteCount(text[(int)firstLines++]) + 1;
            firstBytes += chunk;
        }
        if (firstLines == text.Count) firstBytes--; // the last line has no terminator
        first.Should().Be((firstBytes, firstLines));
    }

    [Fact]
    public void Run_ApplyThrows_StopsThere_AndNoParseRunsAfterRunReturns()
    {
        var text = Enumerable.Range(0, 500).Select(i => i.ToString()).ToList();
        int parsing = 0, appliedChunks = 0;
        using var lines = Lines(text);
        FluentActions.Invoking(() => ParallelLineParser.Run(lines, () => new Parsed(),
                (chunk, _) => { Interlocked.Increment(ref parsing); Thread.Sleep(2); Interlocked.Decrement(ref parsing); },
                (chunk, _) => { if (++appliedChunks == 5) throw new InvalidDataException("line " + chunk.LineNumber(0)); },
                chunkBytes: 20, workers: 2))
            .Should().Throw<InvalidDataException>().WithMessage("line 32"); // chunks of lines 1–10, 11–17, 18–24, 25–31, 32–38
        Volatile.Read(ref parsing).Should().Be(0, "the batch being parsed was waited for");
        appliedChunks.Should().Be(5);
    }

    [Fact]
    public void Run_EmptyOrBlankFile_AppliesNothing()
    {
        int applied = 0;
        using var lines = Lines(["", "  ", "\t"]);
        ParallelLineParser.Run(lines, () => new Parsed(), (_, _) => { }, (_, _) => applied++);
        applied.Should().Be(0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(5000)]
    public void TryReadLines_RandomFiles_SplitsIntoTheLinesTryReadLineReads(int chunkBytes)
    {
        // LF and CRLF, blank and whitespace-only lines, a byte order mark, lines longer than a chunk, than the room the
        // chunk's buffer starts with (the chunk size + 64 KiB: it grows, keeping what it holds) and than the reader's 64 KiB
        // buffer, multi-byte UTF-8, with and without a final terminator.
        var random = new Random(chunkBytes);
        for (int file = 0; file < 40; file++)
        {
            var bytes = new List<byte>();
            if (file % 3 == 0) bytes.AddRange([0xEF, 0xBB, 0xBF]);
            int lineCount = random.Next(0, 60);
            for (int l = 0; l < lineCount; l++)
            {
                int kind = random.Next(10);
                string line = kind switch
                {
                    0 => "",
                    1 => " \t ",
                    2 => new string('x', random.Next(70_000, 140_000)),
                    _ => string.Concat(Enumerable.Range(0, random.Next(1, 40)).Select(_ => "aé{\"1 "[random.Next(6)])),
                };
                bytes.AddRange(Encoding.UTF8.GetBytes(line));
                if (l < lineCount - 1 || random.Next(2) == 0) bytes.AddRange(random.Next(3) == 0 ? "\r\n"u8.ToArray() : "\n"u8.ToArray());
            }
            var data = bytes.ToArray();

            var expected = new List<(long, string)>();
            using (var one = new Utf8LineReader(new MemoryStream(data)))
                while (one.TryReadLine(out var line))
                    if (!ParallelLineParser.IsBlank(line)) expected.Add((one.LineNumber, Encoding.UTF8.GetString(line)));

            var actual = new List<(long, string)>();
            long linesRead = 0, bytesRead = 0;
            var chunk = new LineChunk(chunkBytes);
            using var blocks = new Utf8LineReader(new MemoryStream(data));
            while (blocks.TryReadLines(chunk, chunkBytes))
            {
                chunk.Bytes.Should().BeGreaterThan(0);
                linesRead += chunk.LinesRead; bytesRead += chunk.Bytes;
                blocks.LineNumber.Should().Be(linesRead);
                chunk.Split();
                for (int l = 0; l < chunk.Count; l++) actual.Add((chunk.LineNumber(l), Encoding.UTF8.GetString(chunk[l])));
            }
            actual.Should().Equal(expected, $"file {file} read in chunks of {chunkBytes} bytes");
            bytesRead.Should().Be(data.Length);
            chunk.Count.Should().Be(0, "the read that finds the end leaves the chunk empty");
        }
    }
}
