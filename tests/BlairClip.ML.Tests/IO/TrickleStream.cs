namespace BlairClip.ML.Tests.IO;

/// <summary>A read-only stream over bytes that returns at most a few (seeded random, 1 to <c>maxRead</c>) per read, as a
/// pipe or network stream may: readers must not assume a read fills their buffer.</summary>
internal sealed class TrickleStream(byte[] bytes, int maxRead, int seed) : BlairClip.ML.IO.ForwardReadStream
{
    private readonly Random _random = new(seed);
    private int _position;

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = Math.Min(Math.Min(count, bytes.Length - _position), _random.Next(1, maxRead + 1));
        Array.Copy(bytes, _position, buffer, offset, n);
        _position += n;
        return n;
    }

}
