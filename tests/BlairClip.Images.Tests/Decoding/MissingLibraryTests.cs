using BlairClip.Images.Decoding;
using FluentAssertions;

namespace BlairClip.Images.Tests.Decoding;

public class MissingLibraryTests
{
    [Theory]
    [InlineData(ImageFormat.Jpeg, "libturbojpeg.so.0", "libturbojpeg0")]
    [InlineData(ImageFormat.Png, "libpng16.so.16", "libpng16-16")]
    [InlineData(ImageFormat.WebP, "libwebp.so.7", "libwebp7")]
    public void MissingLibrary_DllNotFound_NamesLibraryAndAptPackage(ImageFormat format, string library, string package)
    {
        var error = ImageDecoder.MissingLibrary(format, new DllNotFoundException("dlopen failed"));

        error.Message.Should().Contain(library).And.Contain($"apt-get install {package}");
        error.AptPackage.Should().Be(package);
        error.InnerException.Should().BeOfType<DllNotFoundException>();
    }
}
