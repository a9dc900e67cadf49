using BlairClip.ML.Core;
using BlairClip.ML.Experiments;
using BlairClip.ML.Experiments.Yaml;
using BlairClip.ML.Tests.Conformance;
using FluentAssertions;
using Google.Protobuf;
using YamlDotNet.RepresentationModel;

namespace BlairClip.ML.Tests.Experiments;

/// <summary>ML.NET's image and ONNX transforms as pipeline steps (src/BlairClip.MLNetSteps): LoadImages →
/// ResizeImages → ExtractPixels, and ApplyOnnxModel on a hand-encoded ONNX graph, each through the conformance
/// harness (save, reload, fresh MLContext).</summary>
public sealed class MLNetImageOnnxStepsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("blairclip-mlnet-img").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static string Image(string name) => Path.Combine(RepoPaths.Root, "tests", "BlairClip.Images.Tests", "Fixtures", "images", "generated", name);

    private BuiltPipeline Build(string pipelineYaml) => OnePipelineStudy.Build(_dir, pipelineYaml);

    [Fact]
    public void LoadResizeExtractPixels_ThenEmbedding_PassesConformance()
    {
        var built = Build("""
            steps:
              - step: LoadImages
                params: { output_column: Image, input_column: ImagePath }
              - step: ResizeImages
                params: { output_column: Small, input_column: Image, image_width: 8, image_height: 8, resizing: fill }
              - step: ExtractPixels
                params: { output_column: Pixels, input_column: Small, scale_image: 0.00392157 }
              - step: EmbeddingRecommender
                params: { mode: image, image_column: Pixels }
            """);
        var images = new[] { "rgb_420_q90.jpg", "rgb_444_q95.jpg", "palette.png", "rgba.png", "gray.jpg" }.Select(Image).ToArray();
        var data = TinyData.Small().With(new TextColumn("ImagePath", images));
        var reloaded = EstimatorConformance.Check(built.Pipeline, data, TinyData.Small().Without("Text"));
        reloaded.Fitted.ItemSteps.Should().HaveCount(3);
        var pixels = TestColumns.DenseValues(built.Pipeline.Fit(data).ItemSteps.Aggregate((Microsoft.ML.IDataView)data.ItemTable, (v, s) => s.Transformer.Transform(v)), "Pixels");
        pixels.Length.Should().Be(5 * 3 * 8 * 8);
        pixels.Should().OnlyContain(v => v >= 0 && v <= 1.0001f);
    }

    [Fact]
    public void ApplyOnnxModel_ProjectsFeatures_ThenEmbedding_PassesConformance()
    {
        // y = x W with W [4, 2]: a projection the scores can be checked against by hand.
        float[] w = [1, 0, 0, 1, 1, 0, 0, 1];
        File.WriteAllBytes(Path.Combine(_dir, "project.onnx"), MatMulModel("raw", "projected", 4, 2, w));
        var built = Build("""
            steps:
              - step: ApplyOnnxModel
                params: { model_file: project.onnx, input_columns: [raw], output_columns: [projected] }
              - step: EmbeddingRecommender
                params: { mode: text, text_column: projected, normalize: true }
            """);
        float[] raw = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1];
        var data = TinyData.Small().With(new DenseColumn("raw", 4, raw));
        EstimatorConformance.Check(built.Pipeline, data, TinyData.Small());
        var fitted = built.Pipeline.Fit(data);
        var projected = TestColumns.DenseValues(fitted.TransformItems(data.ItemTable), "projected");
        // rows: e0 → (1, 0), e1 → (0, 1), e2 → (1, 0), e3 → (0, 1), (1,1,1,1) → (2, 2).
        projected.Should().Equal(1, 0, 0, 1, 1, 0, 0, 1, 2, 2);
    }

    [Fact]
    public void ApplyOnnxModel_MissingFile_NamesTheOption() =>
        FluentActions.Invoking(() => Build("steps:\n  - step: ApplyOnnxModel\n    params: { model_file: nope.onnx, input_columns: [a], output_columns: [b] }\n  - step: EmbeddingRecommender\n"))
            .Should().Throw<SpecException>().WithMessage("*p.yaml*`model_file` must be an existing file*nope.onnx*");

    /// <summary>An ONNX model (IR 8, opset 13) with one MatMul node: <paramref name="output"/>[n] =
    /// <paramref name="input"/>[k] · W[k, n], W an initializer. Written field by field (ONNX's protobuf schema).</summary>
    private static byte[] MatMulModel(string input, string output, int k, int n, float[] w)
    {
        static byte[] Message(Action<CodedOutputStream> write)
        {
            using var ms = new MemoryStream();
            var s = new CodedOutputStream(ms);
            write(s);
            s.Flush();
            return ms.ToArray();
        }
        static void Bytes(CodedOutputStream s, int field, byte[] bytes) { s.WriteTag(field, WireFormat.WireType.LengthDelimited); s.WriteBytes(ByteString.CopyFrom(bytes)); }
        static void Text(CodedOutputStream s, int field, string text) { s.WriteTag(field, WireFormat.WireType.LengthDelimited); s.WriteString(text); }
        static void Int(CodedOutputStream s, int field, long value) { s.WriteTag(field, WireFormat.WireType.Varint); s.WriteInt64(value); }
        static byte[] ValueInfo(string name, int size) => Message(v =>
        {
            Text(v, 1, name);
            Bytes(v, 2, Message(type => Bytes(type, 1, Message(tensor =>
            {
                Int(tensor, 1, 1); // FLOAT
                Bytes(tensor, 2, Message(shape => Bytes(shape, 1, Message(dim => Int(dim, 1, size)))));
            }))));
        });
        var weights = Message(t =>
        {
            Int(t, 1, k); Int(t, 1, n);     // dims
            Int(t, 2, 1);                   // data_type FLOAT
            Text(t, 8, "W");                // name
            var raw = new byte[w.Length * 4];
            Buffer.BlockCopy(w, 0, raw, 0, raw.Length);
            Bytes(t, 9, raw);               // raw_data, little-endian
        });
        var node = Message(nd => { Text(nd, 1, input); Text(nd, 1, "W"); Text(nd, 2, output); Text(nd, 3, "matmul"); Text(nd, 4, "MatMul"); });
        var graph = Message(g =>
        {
            Bytes(g, 1, node); Text(g, 2, "projection"); Bytes(g, 5, weights);
            Bytes(g, 11, ValueInfo(input, k)); Bytes(g, 12, ValueInfo(output, n));
        });
        return Message(m =>
        {
            Int(m, 1, 8);                                                 // ir_version
            Bytes(m, 7, graph);
            Bytes(m, 8, Message(op => { Text(op, 1, ""); Int(op, 2, 13); })); // opset_import
        });
    }
}
