using F = BlairClip.Torch.torch.nn.functional;

namespace BlairClip.Torch.Tests;

public sealed class FunctionalTests
{
    [Fact]
    public void ScaledDotProductAttention_Values_EqualSoftmaxFormula()
    {
        torch.manual_seed(3);
        using var scope = torch.NewDisposeScope();
        var q = torch.randn([2, 3, 4], torch.float64);
        var k = torch.randn([2, 5, 4], torch.float64);
        var v = torch.randn([2, 5, 6], torch.float64);
        // random keep-mask with key 0 always kept, so no row is fully masked (that row would be NaN)
        var mask = (torch.rand([3, 5]) > 0.3).logical_or(torch.tensor(new[] { true, false, false, false, false }));
        var expected = (q.matmul(k.transpose(-2, -1)) / Math.Sqrt(4)).masked_fill(!mask, double.NegativeInfinity).softmax(-1).matmul(v);
        var actual = F.scaled_dot_product_attention(q, k, v, mask);
        (actual - expected).abs().max().item().Should().BeLessThan(1e-12);
        actual.shape.Should().Equal(2L, 3, 6);
    }

    [Fact]
    public void ScaledDotProductAttention_Causal_FirstQueryAttendsOnlyFirstKey()
    {
        using var scope = torch.NewDisposeScope();
        var q = torch.randn([1, 3, 2]);
        var k = torch.randn([1, 3, 2]);
        var v = torch.tensor(new[] { 1f, 10f, 2f, 20f, 3f, 30f }, [1, 3, 2]);
        var y = F.scaled_dot_product_attention(q, k, v, is_causal: true);
        y.select(1, 0).data<float>().Should().Equal(1f, 10f);
    }

    [Fact]
    public void Normalize_Rows_HaveUnitNorm()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new[] { 3.0, 4.0, 0.0, 0.0 }, [2, 2]);
        F.normalize(x).data<double>().Should().Equal(0.6, 0.8, 0.0, 0.0);
    }

    [Fact]
    public void Gelu_BothForms_MatchFormulas()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new[] { -1.5, 0.3, 2.0 });
        var erf = F.gelu(x).data<double>();
        var tanh = F.gelu(x, "tanh").data<double>();
        double[] xs = [-1.5, 0.3, 2.0];
        for (var i = 0; i < 3; i++)
        {
            var phi = 0.5 * (1 + torch.tensor(new[] { xs[i] / Math.Sqrt(2) }).erf().item());
            erf[i].Should().BeApproximately(xs[i] * phi, 1e-12);
            tanh[i].Should().BeApproximately(0.5 * xs[i] * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (xs[i] + 0.044715 * Math.Pow(xs[i], 3)))), 1e-12);
        }
    }

    [Fact]
    public void Dropout_Training_ScalesKeptByOneOverOneMinusP()
    {
        using var scope = torch.NewDisposeScope();
        var y = F.dropout(torch.ones([10_000]), 0.25).data<float>();
        y.Should().OnlyContain(v => v == 0f || Math.Abs(v - 1 / 0.75f) < 1e-6);
        y.Count(v => v == 0f).Should().BeInRange(2_200, 2_800);
        var act = () => F.dropout(torch.ones([1]), 1.5);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*[0, 1]*");
    }

    [Fact]
    public void CrossEntropy_HandCase_EqualsNegativeLogSoftmax()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.tensor(new[] { 1.0, 2.0, 0.5, 0.0 }, [2, 2]);
        var loss = F.cross_entropy(logits, torch.tensor(new long[] { 1, 0 })).item();
        var l0 = -(2 - Math.Log(Math.Exp(1) + Math.Exp(2)));
        var l1 = -(0.5 - Math.Log(Math.Exp(0.5) + Math.Exp(0)));
        loss.Should().BeApproximately((l0 + l1) / 2, 1e-12);
        var act = () => F.cross_entropy(logits, torch.tensor(new long[] { 1, 0 }), reduction: "avg");
        act.Should().Throw<ArgumentException>().WithMessage("*none, mean or sum, got 'avg'*");
    }

    [Theory]
    [InlineData("cpu", DeviceType.CPU, 0)]
    [InlineData("cuda", DeviceType.CUDA, 0)]
    [InlineData("cuda:3", DeviceType.CUDA, 3)]
    public void DeviceParse_ValidNames_GiveTypeAndIndex(string text, DeviceType type, int index)
    {
        var d = torch.device(text);
        d.Should().Be(new Device(type, index));
    }

    [Fact]
    public void DeviceParse_UnknownName_Throws()
    {
        var act = () => torch.device("tpu:0");
        act.Should().Throw<ArgumentException>().WithMessage("*device 'tpu:0': expected cpu, cuda or cuda:N*");
    }
}
