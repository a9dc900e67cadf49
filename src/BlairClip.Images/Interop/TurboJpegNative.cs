using System.Runtime.InteropServices;

namespace BlairClip.Images.Interop;

/// <summary>Declarations of Debian's <c>libturbojpeg.so.0</c> (libjpeg-turbo 2.1, the TurboJPEG 2 API: bookworm ships no
/// <c>tj3*</c> functions) and the only code that touches its pointers. Decoding uses the default flags, i.e. the
/// accurate integer IDCT and fancy upsampling, which is what Pillow's libjpeg path uses too.</summary>
internal static partial class TurboJpegNative
{
    private const string Library = "libturbojpeg.so.0";
    internal const string AptPackage = "libturbojpeg0";

    /// <summary>TJPF_RGB: 3 bytes per pixel, R G B.</summary>
    internal const int PixelFormatRgb = 0;
    /// <summary>TJPF_CMYK: 4 bytes per pixel, the C M Y K values as stored in the file.</summary>
    internal const int PixelFormatCmyk = 11;
    internal const int ColorspaceCmyk = 3;
    internal const int ColorspaceYcck = 4;
    private const int ErrorFatal = 1;

    [LibraryImport(Library)]
    private static partial nint tjInitDecompress();

    [LibraryImport(Library)]
    private static unsafe partial int tjDecompressHeader3(nint handle, byte* jpegBuf, nuint jpegSize,
        out int width, out int height, out int jpegSubsamp, out int jpegColorspace);

    [LibraryImport(Library)]
    private static unsafe partial int tjDecompress2(nint handle, byte* jpegBuf, nuint jpegSize, byte* dstBuf,
        int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(Library)]
    private static partial nint tjGetErrorStr2(nint handle);

    [LibraryImport(Library)]
    private static partial int tjGetErrorCode(nint handle);

    [LibraryImport(Library)]
    private static partial int tjDestroy(nint handle);

    /// <summary>Header of a JPEG stream.</summary>
    internal readonly record struct Header(int Width, int Height, int Colorspace);

    /// <summary>Result of a native call: null when it succeeded, else the library's message and whether it was
    /// only a warning (libjpeg goes on after warnings such as "extraneous bytes before marker").</summary>
    internal readonly record struct Failure(string Message, bool IsWarning);

    /// <summary>A decompressor handle; not thread-safe, so each decode owns one.</summary>
    internal sealed class Decompressor : IDisposable
    {
        private nint _handle;

        internal Decompressor()
        {
            _handle = tjInitDecompress();
            if (_handle == 0) throw new InvalidOperationException("tjInitDecompress returned NULL (out of memory?)");
        }

        internal unsafe Failure? ReadHeader(ReadOnlySpan<byte> jpeg, out Header header)
        {
            fixed (byte* p = jpeg)
            {
                int rc = tjDecompressHeader3(_handle, p, (nuint)jpeg.Length, out int w, out int h, out _, out int cs);
                header = new Header(w, h, cs);
                return rc == 0 ? null : LastFailure();
            }
        }

        /// <summary>Decodes into <paramref name="destination"/> ([height, width, bytesPerPixel], no row padding).</summary>
        internal unsafe Failure? Decode(ReadOnlySpan<byte> jpeg, Span<byte> destination, Header header, int pixelFormat)
        {
            fixed (byte* src = jpeg)
            fixed (byte* dst = destination)
            {
                int rc = tjDecompress2(_handle, src, (nuint)jpeg.Length, dst, header.Width, 0, header.Height, pixelFormat, 0);
                return rc == 0 ? null : LastFailure();
            }
        }

        private Failure LastFailure()
        {
            var message = Marshal.PtrToStringUTF8(tjGetErrorStr2(_handle)) ?? "unknown TurboJPEG error";
            return new Failure(message, tjGetErrorCode(_handle) != ErrorFatal);
        }

        public void Dispose()
        {
            if (_handle != 0) tjDestroy(_handle);
            _handle = 0;
        }
    }
}
