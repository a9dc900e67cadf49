using System.Globalization;

namespace BlairClip.Cli;

/// <summary>What every <c>blairclip bench</c> scale prints: one Markdown table of <see cref="BenchRow"/>s and a line about
/// the CPU; and the process's peak memory.</summary>
internal static class BenchTable
{
    public static void Write(IEnumerable<BenchRow> rows, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("| stage | work | seconds | rate | ratio | note |");
        output.WriteLine("|---|---|---:|---:|---|---|");
        foreach (var r in rows)
            output.WriteLine($"| {r.Stage} | {r.Work} | {(double.IsNaN(r.Seconds) ? "" : r.Seconds.ToString("F2", CultureInfo.InvariantCulture))} | {r.Rate} | {r.Ratio} | {r.Note} |");
        output.WriteLine($"cpu: {Environment.ProcessorCount} cores; vector width {System.Numerics.Vector<float>.Count} floats; FMA {System.Runtime.Intrinsics.X86.Fma.IsSupported}");
    }

    /// <summary>The process's peak resident set (VmHWM from /proc/self/status), in bytes; 0 where unknown.</summary>
    public static long PeakRssBytes()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { return 0; }
    }
}
