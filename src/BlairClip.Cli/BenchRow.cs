namespace BlairClip.Cli;

/// <summary>One line of a <c>blairclip bench</c> table (<see cref="BenchTable"/>): a stage, the work it did, its wall
/// seconds (NaN: not timed), a rate, a ratio to a reference measured in the same run, and a note.</summary>
internal sealed record BenchRow(string Stage, string Work, double Seconds, string Rate, string Ratio, string Note = "");
