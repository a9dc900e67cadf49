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
    [InlineData(3, 2)]
    [InlineData(7, 3)]
    public void Run_ManyBatches_AppliesEveryLineOnceInFileOrder_ParsedOffTheCallingThread(int chunkLines, int workers)
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
            chunkLines, workers);

        var expected = text.Select((t, i) => (Line: (long)i + 1, t)).Where(x => x.t.Trim().Length > 0).Select(x => (x.Line, int.Parse(x.t))).ToList();
        applied.Should().Equal(expected);
        parsedElsewhere.Should().BePositive();
        long firstBatchLines = Math.Min(2 * workers * chunkLines, expected.Count);
        first!.Value.Lines.Should().Be(firstBatchLines);
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
                chunkLines: 10, workers: 2))
            .Should().Throw<InvalidDataException>().WithMessage("line 41");
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
}
