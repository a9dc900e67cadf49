using BlairClip.ML.IO;
using BlairClip.Torch.Modules;

namespace BlairClip.Torch.Tests;

public sealed class CheckpointTests
{
    /// <summary>A real checkpoint from tests/BlairClip.ML.Tests/Fixtures/checkpoints (see its SOURCE.md).</summary>
    private static string Fixture(string folder, string file = "model.safetensors") =>
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "checkpoints", folder, file);

    public static TheoryData<ScalarType> Dtypes() => new()
    {
        ScalarType.Float32, ScalarType.Float16, ScalarType.BFloat16, ScalarType.Float64, ScalarType.Int64, ScalarType.Int32, ScalarType.Bool,
    };

    [Theory]
    [MemberData(nameof(Dtypes))]
    public void SaveLoadSafetensors_EachDtype_RoundTripsBytesShapeAndDtype(ScalarType dtype)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rt-{dtype}-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var scope = torch.NewDisposeScope();
            var source = (torch.randn([3, 5]) * 4).to(dtype);
            torch.save_safetensors(path, new Dictionary<string, Tensor> { ["t"] = source }, new Dictionary<string, string> { ["k"] = "v" });
            SafeTensorsFile.Load(path).Info("t").DType.Should().Be(dtype.ToSafeTensor());
            var loaded = torch.load_safetensors(path);
            var t = loaded["t"];
            t.dtype.Should().Be(dtype);
            t.shape.Should().Equal(3L, 5);
            t.bytes().Should().Equal(source.bytes());
            t.Dispose();
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void LoadSafetensors_TinyBert_NamesShapesAndValuesMatchFile()
    {
        var path = Fixture("tiny-bert-safetensors");
        var file = SafeTensorsFile.Load(path);
        var tensors = torch.load_safetensors(path);
        try
        {
            tensors.Should().HaveCount(26);
            tensors["bert.embeddings.word_embeddings.weight"].shape.Should().Equal(30522L, 4);
            tensors["bert.encoder.layer.0.intermediate.dense.weight"].shape.Should().Equal(8L, 4);
            tensors["cls.predictions.bias"].shape.Should().Equal(30522L);
            foreach (var (name, t) in tensors)
            {
                t.dtype.Should().Be(ScalarType.Float32);
                t.data<float>().Should().Equal(file.Get<float>(name), $"values of {name}");
            }
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>The parameter tree of a one-layer BERT encoder with the checkpoint's names (hidden 16, intermediate 37).</summary>
    private sealed class RobertaLike : Module
    {
        private sealed class Embeddings : Module
        {
            public readonly Embedding word_embeddings = torch.nn.Embedding(50265, 16, padding_idx: 1);
            public readonly Embedding position_embeddings = torch.nn.Embedding(514, 16);
            public readonly Embedding token_type_embeddings = torch.nn.Embedding(1, 16);
            public readonly LayerNorm LayerNorm = torch.nn.LayerNorm(16);
            public Embeddings() => RegisterComponents();
        }

        private sealed class SelfAttention : Module
        {
            public readonly Linear query = torch.nn.Linear(16, 16), key = torch.nn.Linear(16, 16), value = torch.nn.Linear(16, 16);
            public SelfAttention() => RegisterComponents();
        }

        private sealed class DenseNorm(long input) : Module
        {
            public readonly Linear dense = torch.nn.Linear(input, 16);
            public readonly LayerNorm LayerNorm = torch.nn.LayerNorm(16);
            public DenseNorm Init() { RegisterComponents(); return this; }
        }

        private sealed class Attention : Module
        {
            public readonly SelfAttention self = new();
            public readonly DenseNorm output = new DenseNorm(16).Init();
            public Attention() => RegisterComponents();
        }

        private sealed class Intermediate : Module
        {
            public readonly Linear dense = torch.nn.Linear(16, 37);
            public Intermediate() => RegisterComponents();
        }

        private sealed class Layer : Module
        {
            public readonly Attention attention = new();
            public readonly Intermediate intermediate = new();
            public readonly DenseNorm output = new DenseNorm(37).Init();
            public Layer() => RegisterComponents();
        }

        private sealed class Encoder : Module
        {
            public readonly ModuleList layer = torch.nn.ModuleList(new Layer(), new Layer());
            public Encoder() => RegisterComponents();
        }

        private sealed class Pooler : Module
        {
            public readonly Linear dense = torch.nn.Linear(16, 16);
            public Pooler() => RegisterComponents();
        }

        public readonly Module embeddings = new Embeddings();
        public readonly Module encoder = new Encoder();
        public readonly Module pooler = new Pooler();

        public RobertaLike() => RegisterComponents();
    }

    [Fact]
    public void LoadStateDict_TinyRoberta_StrictLoadCopiesEveryTensor()
    {
        var path = Fixture("tiny-roberta");
        using var model = new RobertaLike();
        var state = torch.load_safetensors(path);
        try
        {
            var result = model.load_state_dict(state, strict: true);
            result.missing_keys.Should().BeEmpty();
            var file = SafeTensorsFile.Load(path);
            model.named_parameters().Should().HaveCount(39);
            foreach (var (name, p) in model.named_parameters())
                p.data<float>().Should().Equal(file.Get<float>(name), $"values of {name}");
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }

    [Fact]
    public void LoadStateDict_TinyBertIntoRobertaTree_ReportsPrefixedKeysAsUnexpected()
    {
        using var model = new RobertaLike();
        var state = torch.load_safetensors(Fixture("tiny-bert-safetensors"));
        try
        {
            var act = () => model.load_state_dict(state.Where(kv => kv.Key.StartsWith("cls.", StringComparison.Ordinal)).ToDictionary(), strict: true);
            act.Should().Throw<StateDictException>().WithMessage("*missing keys [embeddings.word_embeddings.weight,*unexpected keys [cls.predictions.bias,*");
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }

    [Fact]
    public void LoadCheckpoint_TinyRobertaBinAndSafetensors_GiveIdenticalTensors()
    {
        var fromBin = torch.load_checkpoint(Fixture("tiny-roberta", "pytorch_model.bin"));
        var fromFolder = torch.load_checkpoint(Path.GetDirectoryName(Fixture("tiny-roberta"))!);
        try
        {
            fromBin.Keys.Should().BeEquivalentTo(fromFolder.Keys).And.HaveCount(39);
            foreach (var (name, t) in fromBin)
            {
                t.shape.Should().Equal(fromFolder[name].shape, name);
                t.data<float>().Should().Equal(fromFolder[name].data<float>(), name);
            }
        }
        finally
        {
            foreach (var t in fromBin.Values.Concat(fromFolder.Values)) t.Dispose();
        }
    }
}
