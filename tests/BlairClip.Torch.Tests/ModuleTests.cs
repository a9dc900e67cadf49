using BlairClip.Torch.Modules;

namespace BlairClip.Torch.Tests;

public sealed class ModuleTests
{
    /// <summary>A two-level module named like a checkpoint: encoder.layer.{i}.dense / LayerNorm.</summary>
    private sealed class Block : Module<Tensor, Tensor>
    {
        public readonly Linear dense = torch.nn.Linear(4, 4);
        public readonly LayerNorm LayerNorm = torch.nn.LayerNorm(4);
        public readonly Dropout dropout = torch.nn.Dropout(0.5);

        public Block() => RegisterComponents();

        public override Tensor forward(Tensor x) => LayerNorm.forward(dropout.forward(dense.forward(x)) + x);
    }

    private sealed class Encoder : Module<Tensor, Tensor>
    {
        public readonly ModuleList layer = torch.nn.ModuleList(new Block(), new Block());

        public Encoder()
        {
            RegisterComponents();
            register_buffer("position_ids", torch.arange(4));
        }

        public override Tensor forward(Tensor x) => layer.Cast<Block>().Aggregate(x, (h, b) => b.forward(h));
    }

    [Fact]
    public void NamedParameters_NestedModules_UseDottedCheckpointNames()
    {
        using var model = new Encoder();
        model.named_parameters().Select(p => p.name).Should().Equal(
            "layer.0.dense.weight", "layer.0.dense.bias", "layer.0.LayerNorm.weight", "layer.0.LayerNorm.bias",
            "layer.1.dense.weight", "layer.1.dense.bias", "layer.1.LayerNorm.weight", "layer.1.LayerNorm.bias");
        model.named_buffers().Select(b => b.name).Should().Equal("position_ids");
        model.named_children().Select(c => c.name).Should().Equal("layer");
        model.state_dict().Keys.Should().HaveCount(9);
    }

    [Fact]
    public void LoadStateDict_RoundTrip_CopiesValues()
    {
        using var a = new Encoder();
        using var b = new Encoder();
        var state = a.state_dict();
        var result = b.load_state_dict(state);
        result.missing_keys.Should().BeEmpty();
        result.unexpected_keys.Should().BeEmpty();
        b.state_dict()["layer.1.dense.weight"].data<float>().Should().Equal(state["layer.1.dense.weight"].data<float>());
        foreach (var t in state.Values) t.Dispose();
    }

    [Fact]
    public void LoadStateDict_NonStrict_ReportsMissingAndUnexpected()
    {
        using var model = torch.nn.Linear(2, 3);
        using var scope = torch.NewDisposeScope();
        var result = model.load_state_dict(new Dictionary<string, Tensor> { ["weight"] = torch.ones([3, 2]), ["extra"] = torch.ones([1]) }, strict: false);
        result.missing_keys.Should().Equal("bias");
        result.unexpected_keys.Should().Equal("extra");
        model.weight.data<float>().Should().OnlyContain(v => v == 1f);
    }

    [Fact]
    public void LoadStateDict_ShapeMismatch_NamesTensorAndBothShapes()
    {
        using var model = torch.nn.Linear(2, 3);
        using var scope = torch.NewDisposeScope();
        var act = () => model.load_state_dict(new Dictionary<string, Tensor> { ["weight"] = torch.ones([2, 3]), ["bias"] = torch.ones([3]) });
        act.Should().Throw<StateDictException>().WithMessage("*'weight': checkpoint has shape [2, 3], module has [3, 2]*");
    }

    [Fact]
    public void TrainEval_Dropout_ActiveOnlyInTraining()
    {
        using var model = new Block();
        using var scope = torch.NewDisposeScope();
        var drop = torch.nn.Dropout(0.5);
        var x = torch.ones([1000]);
        drop.forward(x).eq(0.0).sum().item().Should().BeInRange(350, 650);
        drop.eval();
        drop.forward(x).data<float>().Should().OnlyContain(v => v == 1f);
        model.eval();
        model.named_modules().Should().OnlyContain(m => !m.module.training);
    }

    [Fact]
    public void To_Float64_ConvertsParametersKeepsIdentityAndIntBuffers()
    {
        using var model = new Encoder();
        var before = model.parameters().First();
        model.to(torch.float64);
        model.parameters().First().Should().BeSameAs(before);
        before.dtype.Should().Be(ScalarType.Float64);
        before.requires_grad.Should().BeTrue();
        model.named_buffers().Single().buffer.dtype.Should().Be(ScalarType.Int64);
        using var scope = torch.NewDisposeScope();
        model.call(torch.randn([2, 4], torch.float64)).dtype.Should().Be(ScalarType.Float64);
    }

    [Fact]
    public void Call_ForwardTemporaries_AreFreedResultSurvives()
    {
        using var model = new Block();
        using var scope = torch.NewDisposeScope();
        var x = torch.randn([3, 4]);
        var countBefore = scope.Count;
        var y = model.call(x);
        scope.Count.Should().Be(countBefore + 1, "only the result moves out of forward's scope");
        y.shape.Should().Equal(3L, 4);
    }

    [Fact]
    public void Conv2d_Forward_OutputShapeFollowsFormula()
    {
        using var conv = torch.nn.Conv2d(3, 8, kernel_size: 3, stride: 2, padding: 1);
        using var scope = torch.NewDisposeScope();
        // H' = floor((H + 2p - k) / s) + 1 = floor((9 + 2 - 3) / 2) + 1 = 5
        conv.call(torch.randn([2, 3, 9, 9])).shape.Should().Equal(2L, 8, 5, 5);
        conv.named_parameters().Select(p => p.name).Should().Equal("weight", "bias");
    }
}
