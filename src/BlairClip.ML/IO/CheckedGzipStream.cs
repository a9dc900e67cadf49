using System.Buffers.Binary;
using System.IO.Compression;

namespace BlairClip.ML.IO;

/// <summary>Decompresses a gzip file (RFC 1952) and refuses a damaged one, which .NET's <see cref="GZipStream"/>
/// accepts: a file cut short (at a flush point or inside the 8-byte trailer) is read as if it ended there, and bytes
/// after the last member that are not a member are ignored. Each member's header is parsed (FEXTRA, FNAME, FCOMMENT;
/// FHCRC checked), its deflate data inflated with <see cref="DeflateStream"/>, and its trailer checked: CRC32 of the
/// decompressed bytes and their length mod 2^32. Members may follow one another (<c>cat a.gz b.gz</c>, bgzip), empty
/// ones included; zero bytes after the last member are padding (gzip accepts them), anything else is an error.</summary>
/// <remarks>Where a member's deflate data ends: <see cref="GzipInput"/> knows the chunk DeflateStream last pulled,
/// which holds that end, and the trailer is the 8 bytes there that equal the CRC32 and length of what was inflated,
/// followed by the end of the file, padding or another member. A wrong match would need 8 compressed bytes before the
/// true end to equal the checksum (about 2^-64 per byte). An empty member's trailer is zeros, as its deflate data
/// (03 00) ends: there a match followed by the end of the file or another member wins over one followed by zeros, and
/// deflate data is at least 2 bytes. What is left: an empty member whose deflate data is longer and ends in zeros (a
/// flushed empty stream) and whose trailer lost its last zero byte is taken as whole; no data is lost with it.</remarks>
internal sealed class CheckedGzipStream : ForwardReadStream
{
    private const byte Id1 = 0x1F, Id2 = 0x8B, Deflate = 8;
    private const byte FlagHeaderCrc = 2, FlagExtra = 4, FlagName = 8, FlagComment = 16, FlagsReserved = 0xE0;
    private const int MinDeflateLength = 2;

    private readonly GzipInput _input;
    private readonly string _file;
    private uint _crc;                 // CRC32 of what the current member has inflated to
    private DeflateStream? _deflate;   // the current member's deflate data; null once the file is done
    private long _memberStart;         // compressed offset of the current member's header
    private long _bodyStart;           // compressed offset of the current member's deflate data
    private long _memberSize;          // bytes the current member has inflated to
    private int _member;               // 1-based number of the current member

    /// <summary>Reads gzip data from <paramref name="compressed"/>, which it owns (also when this throws), and parses
    /// the first member's header.</summary>
    /// <param name="compressed">The file's bytes (need not be buffered or seekable).</param>
    /// <param name="file">The file, for messages.</param>
    /// <exception cref="InvalidDataException">The data does not start with the gzip magic bytes.</exception>
    /// <exception cref="GzipDataException">The first header is damaged or cut short.</exception>
    public CheckedGzipStream(Stream compressed, string file)
    {
        _input = new GzipInput(compressed);
        _file = file;
        try
        {
            var magic = _input.Peek(2);
            if (magic.Length < 2 || magic[0] != Id1 || magic[1] != Id2)
                throw new InvalidDataException($"{file} is named .gz but is not gzip data (first bytes {Convert.ToHexString(magic)}); rename it or compress it.");
            BeginMember();
        }
        catch
        {
            _input.Dispose();
            throw;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <exception cref="GzipDataException">The file is cut short, a header or trailer does not hold, the deflate data
    /// is corrupt, or bytes after a member are not another member.</exception>
    public override int Read(Span<byte> destination)
    {
        if (destination.IsEmpty) return 0;
        while (_deflate is not null)
        {
            int n;
            try
            {
                n = _deflate.Read(destination);
            }
            catch (InvalidDataException)
            {
                // .NET's message ("unsupported compression method") misleads; what is known is where it failed.
                throw _input.ReadPastEnd ? CutShort() : Damaged(_input.LastChunkStart,
                    $"gzip member {_member} (from byte {_memberStart:N0}) holds corrupt deflate data in compressed bytes {_input.LastChunkStart:N0} to {_input.LastChunkEnd:N0}, after {_memberSize:N0} decompressed bytes");
            }
            if (n > 0)
            {
                _crc = Crc32Ieee.Append(_crc, destination[..n]);
                _memberSize += n;
                return n;
            }
            if (_input.ReadPastEnd) throw CutShort();
            EndMember();
            NextMember();
        }
        return 0;
    }

    /// <summary>Parses a member header at the current offset and starts inflating its deflate data.</summary>
    private void BeginMember()
    {
        _member++;
        _memberStart = _input.Offset;
        uint headerCrc = 0;
        var fixedPart = Header(10, ref headerCrc);
        if (fixedPart[0] != Id1 || fixedPart[1] != Id2)
            throw Damaged(_memberStart, $"gzip member {_member} does not start with the gzip magic bytes 1F8B (found {Convert.ToHexString(fixedPart[..2])})");
        if (fixedPart[2] != Deflate)
            throw Damaged(_memberStart, $"gzip member {_member} names compression method {fixedPart[2]}; gzip defines only deflate (8)");
        byte flags = fixedPart[3];
        if ((flags & FlagsReserved) != 0)
            throw Damaged(_memberStart, $"gzip member {_member} sets reserved header flags (FLG {flags:X2})");
        if ((flags & FlagExtra) != 0)
            Header(BinaryPrimitives.ReadUInt16LittleEndian(Header(2, ref headerCrc)), ref headerCrc);
        if ((flags & FlagName) != 0) ZeroTerminated(ref headerCrc);
        if ((flags & FlagComment) != 0) ZeroTerminated(ref headerCrc);
        if ((flags & FlagHeaderCrc) != 0)
        {
            ushort expected = (ushort)headerCrc;
            uint ignored = 0;                // the CRC16 is not part of what it checks
            ushort recorded = BinaryPrimitives.ReadUInt16LittleEndian(Header(2, ref ignored));
            if (recorded != expected)
                throw Damaged(_memberStart, $"gzip member {_member} fails its header check (FHCRC {recorded:X4}, header has {expected:X4})");
        }
        _crc = 0;
        _memberSize = 0;
        _bodyStart = _input.Offset;
        _input.BeginChunks();
        _deflate = new DeflateStream(_input, CompressionMode.Decompress, leaveOpen: true);
    }

    /// <summary>Consumes <paramref name="count"/> header bytes, adding them to <paramref name="headerCrc"/>; valid until the next read.</summary>
    private ReadOnlySpan<byte> Header(int count, ref uint headerCrc)
    {
        var bytes = _input.Peek(count);
        if (bytes.Length < count)
            throw Damaged(_input.Offset, $"the file ends inside the header of gzip member {_member} (from byte {_memberStart:N0}): it is cut short");
        _input.Skip(count);
        headerCrc = Crc32Ieee.Append(headerCrc, bytes);
        return bytes;
    }

    /// <summary>Consumes a zero-terminated header field (FNAME, FCOMMENT).</summary>
    private void ZeroTerminated(ref uint headerCrc)
    {
        while (true)
        {
            var bytes = _input.Peek(4096);
            if (bytes.IsEmpty)
                throw Damaged(_input.Offset, $"the file ends inside the header of gzip member {_member} (from byte {_memberStart:N0}): it is cut short");
            int zero = bytes.IndexOf((byte)0);
            var field = zero < 0 ? bytes : bytes[..(zero + 1)];
            headerCrc = Crc32Ieee.Append(headerCrc, field);
            _input.Skip(field.Length);
            if (zero >= 0) return;
        }
    }

    /// <summary>The deflate data has ended: finds the trailer in the last chunk DeflateStream pulled, checks it, and
    /// moves the input after it.</summary>
    private void EndMember()
    {
        _deflate!.Dispose();
        _deflate = null;
        uint crc = _crc, size = unchecked((uint)_memberSize);
        Span<byte> trailer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], size);
        // DeflateStream used all input before its last chunk and at least one byte of it: the deflate data ends
        // after LastChunkStart and no later than LastChunkEnd, and it is at least 2 bytes long (the shortest, an
        // empty final block, takes 10 bits); 2 more bytes than the trailer show what follows it.
        long first = Math.Max(_input.LastChunkStart + 1, _bodyStart + MinDeflateLength);
        int candidates = (int)Math.Max(0, _input.LastChunkEnd - first + 1);
        var window = _input.At(first, candidates + trailer.Length + 2);
        int at = BestMatch(window, candidates, trailer, 0, trailer.Length);
        if (at >= 0)
        {
            _input.MoveTo(first + at + trailer.Length);
            return;
        }
        // Not found: say what is wrong when half the trailer matches.
        string problem;
        if (window.Length < trailer.Length)
            problem = $"the file ends before the 8-byte trailer (CRC32 and length) of gzip member {_member} (from byte {_memberStart:N0}): it is cut short";
        else if ((at = BestMatch(window, candidates, trailer, 4, 4)) >= 0)
            problem = $"gzip member {_member} (from byte {_memberStart:N0}) fails its CRC32 check: the trailer records {BinaryPrimitives.ReadUInt32LittleEndian(window[at..]):X8}, the data inflates to {crc:X8}";
        else if ((at = BestMatch(window, candidates, trailer, 0, 4)) >= 0)
            problem = $"gzip member {_member} (from byte {_memberStart:N0}) records a length of {BinaryPrimitives.ReadUInt32LittleEndian(window[(at + 4)..]):N0} bytes (mod 2^32) in its trailer, but inflates to {_memberSize:N0}";
        else
            problem = $"gzip member {_member} (from byte {_memberStart:N0}) has no trailer matching its data (CRC32 {crc:X8}, {_memberSize:N0} bytes): the trailer is missing or damaged, or the file is cut short";
        throw Damaged(_memberStart, problem);
    }

    /// <summary>The position p &lt; <paramref name="candidates"/> where <c>window[p + from .. p + from + length]</c>
    /// equals that part of <paramref name="trailer"/>, preferring one whose trailer is followed by the end of the file
    /// or another member over one followed by zero padding over one followed by anything else; -1 if none.</summary>
    private static int BestMatch(ReadOnlySpan<byte> window, int candidates, ReadOnlySpan<byte> trailer, int from, int length)
    {
        int best = -1, bestRank = int.MaxValue;
        var part = trailer.Slice(from, length);
        for (int p = 0; p < candidates && p + from + length <= window.Length; p++)
        {
            int k = window[(p + from)..].IndexOf(part);
            if (k < 0 || (p += k) >= candidates || p + trailer.Length > window.Length) break;
            var after = window[(p + trailer.Length)..];
            int rank = after.IsEmpty || (after[0] == Id1 && (after.Length == 1 || after[1] == Id2)) ? 0 : after[0] == 0 ? 1 : 2;
            if (rank < bestRank) (best, bestRank) = (p, rank);
            if (rank == 0) break;
        }
        return best;
    }

    /// <summary>After a member: the end of the file, zero padding to it, or another member.</summary>
    private void NextMember()
    {
        var next = _input.Peek(2);
        if (next.IsEmpty) return;
        if (next[0] == Id1 && (next.Length == 1 || next[1] == Id2))
        {
            BeginMember();
            return;
        }
        long start = _input.Offset;
        while (true)
        {
            var rest = _input.Peek(1 << 16);
            if (rest.IsEmpty) return;
            int bad = rest.IndexOfAnyExcept((byte)0);
            if (bad >= 0)
                throw Damaged(_input.Offset + bad,
                    $"the bytes after gzip member {_member} (from byte {start:N0}) are not another gzip member (they start with {Convert.ToHexString(rest[bad..Math.Min(rest.Length, bad + 8)])}): the file is damaged or has other data appended");
            _input.Skip(rest.Length);
        }
    }

    private GzipDataException CutShort() => Damaged(_input.Offset,
        $"the file ends inside the deflate data of gzip member {_member} (from byte {_memberStart:N0}) after {_memberSize:N0} decompressed bytes: it is cut short");

    private GzipDataException Damaged(long offset, string problem) => new(_file, offset, problem);


    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _deflate?.Dispose();
            _input.Dispose();
        }
        base.Dispose(disposing);
    }
}
