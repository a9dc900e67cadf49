using FluentAssertions;

namespace BlairClip.ML.Tests.Core;

/// <summary>Code importing both namespaces must compile: none of our public types shares a name with a public ML.NET type.</summary>
public sealed class NoShadowingTests
{
    [Fact]
    public void PublicTypeNames_DoNotShadowMLNet()
    {
        var mlnet = new[]
        {
            typeof(Microsoft.ML.MLContext), typeof(Microsoft.ML.IDataView), typeof(Microsoft.ML.SchemaShape),
            typeof(Microsoft.ML.ImageEstimatorsCatalog), typeof(Microsoft.ML.Transforms.Onnx.OnnxTransformer),
        }.Select(t => t.Assembly).Distinct().SelectMany(a => a.GetExportedTypes()).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var ours = new[] { typeof(BlairClip.ML.Core.RecDataset), typeof(BlairClip.MLNetSteps.LoadImagesStep) }
            .SelectMany(t => t.Assembly.GetExportedTypes()).ToList();
        ours.Should().HaveCountGreaterThan(50);
        ours.Where(t => mlnet.Contains(t.Name)).Select(t => t.FullName).Should().BeEmpty();
    }
}
