using System.IO.MemoryMappedFiles;

namespace BlairClip.ML.IO;

/// <summary>A read-only memory map of a whole file. Spans point straight into the page cache, so a multi-GB
/// checkpoint costs no managed memory and no copy; they stay valid until <see cref="Dispose"/>.</summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private byte* _pointer;
    private bool _disposed;

    private MappedFile(string path, long length, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* pointer)
    {
        Path = path; Length = length; _map = map; _view = view; _pointer = pointer;
    }

    public string Path { get; }
    public long Length { get; }

    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    public static MappedFile Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = stream.Length;
        if (length == 0)
        {
            // An empty file cannot be mapped; it is still a valid (if useless) input whose errors the caller reports.
            stream.Dispose();
            return new MappedFile(path, 0, null, null, null);
        }
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            return new MappedFile(path, length, map, view, pointer + view.PointerOffset);
        }
        catch
        {
            view?.Dispose();
            if (map is null) stream.Dispose(); else map.Dispose();
            throw;
        }
    }

    /// <summary>[length] bytes starting at byte <paramref name="offset"/> of the file.</summary>
    public ReadOnlySpan<byte> Span(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (offset < 0 || length < 0 || offset + length > Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"{Path}: bytes [{offset}, {offset + length}) lie outside the file of {Length} bytes.");
        return length == 0 ? ReadOnlySpan<byte>.Empty : new ReadOnlySpan<byte>(_pointer + offset, length);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
        _pointer = null;
    }
}
