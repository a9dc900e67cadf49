namespace BlairClip.Images.Decoding;

/// <summary>The native library that decodes a format is not installed. Unlike <see cref="ImageDecodeException"/>
/// this is not a problem of one image: every image of the format will fail until the package is installed.</summary>
public sealed class ImageDecoderUnavailableException(string format, string library, string aptPackage, Exception inner)
    : Exception($"cannot decode {format} images: the native library {library} is not installed; install it with `apt-get install {aptPackage}`", inner)
{
    /// <summary>The Debian package that provides the library.</summary>
    public string AptPackage { get; } = aptPackage;
}
