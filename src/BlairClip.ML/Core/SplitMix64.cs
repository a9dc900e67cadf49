namespace BlairClip.ML.Core;

/// <summary>SplitMix64's output function (Steele, Lea and Flood, 2014): a fixed bijection that spreads any 64-bit value
/// over all 64 bits. Seeds and counter-based draws built on it are the same in every process and on every platform
/// (<see cref="HashCode"/> is randomised per process, so it cannot be used for reproducible streams).</summary>
internal static class SplitMix64
{
    public static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
