namespace BlairClip.Torch.Tests;

public sealed class TensorTests
{
    [Fact]
    public void Factories_ShapeDtypeAndValues_AreAsRequested()
    {
        using var scope = torch.NewDisposeScope();
        torch.zeros([2, 3]).data<float>().Should().Equal(new float[6]);
        torch.ones([2], torch.int64).data<long>().Should().Equal(1L, 1L);
        torch.full([2, 2], 2.5, torch.float64).data<double>().Should().Equal(2.5, 2.5, 2.5, 2.5);
        torch.arange(5).data<long>().Should().Equal(0L, 1L, 2L, 3L, 4L);
        torch.arange(0, 1, 0.25, torch.float32).data<float>().Should().Equal(0f, 0.25f, 0.5f, 0.75f);
        var e = torch.empty([4, 1, 2], torch.bfloat16);
        e.ndim.Should().Be(3);
        e.numel().Should().Be(8);
        e.dtype.Should().Be(ScalarType.BFloat16);
        e.device.Should().Be(torch.CPU);
        e.shape.Should().Equal(4L, 1L, 2L);
        var r = torch.randint(3, 7, [1000]);
        var values = r.data<long>();
        values.Min().Should().Be(3);
        values.Max().Should().Be(6);
        var u = torch.rand([1000]).data<float>();
        u.Should().OnlyContain(v => v >= 0 && v < 1);
    }

    [Fact]
    public void ManualSeed_SameSeed_SameDraws()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(42);
        var a = torch.randn([8]).data<float>();
        torch.manual_seed(42);
        torch.randn([8]).data<float>().Should().Equal(a);
    }

    [Fact]
    public void To_Dtypes_ConvertValues()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new[] { 1.5f, -2.25f, 3f });
        x.to(torch.float64).data<double>().Should().Equal(1.5, -2.25, 3.0);
        x.to(torch.int32).data<int>().Should().Equal(1, -2, 3);
        x.to(torch.float16).data<Half>().Should().Equal((Half)1.5f, (Half)(-2.25f), (Half)3f);
        x.to(torch.bfloat16).to(torch.float32).data<float>().Should().Equal(1.5f, -2.25f, 3f);
        x.gt(0.0).data<bool>().Should().Equal(true, false, true);
        x.to("cpu").device.Should().Be(torch.CPU);
    }

    [Fact]
    public void ViewsAndJoins_MatchPyTorchLayouts()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(6).reshape(2, 3);             // [[0,1,2],[3,4,5]]
        x.transpose(0, 1).contiguous().data<long>().Should().Equal(0L, 3, 1, 4, 2, 5);
        x.permute(1, 0).shape.Should().Equal(3L, 2);
        x.unsqueeze(0).shape.Should().Equal(1L, 2, 3);
        x.unsqueeze(1).squeeze(1).shape.Should().Equal(2L, 3);
        x.view(3, 2).data<long>().Should().Equal(0L, 1, 2, 3, 4, 5);
        x.select(0, 1).expand(2, 3).data<long>().Should().Equal(3L, 4, 5, 3, 4, 5);
        torch.cat([x, x], 1).shape.Should().Equal(2L, 6);
        torch.stack([x, x], 0).shape.Should().Equal(2L, 2, 3);
        var parts = torch.arange(5).chunk(2);
        parts.Select(p => p.data<long>()).Should().BeEquivalentTo(new[] { new long[] { 0, 1, 2 }, new long[] { 3, 4 } }, o => o.WithStrictOrdering());
        x.flatten().shape.Should().Equal(6L);
    }

    [Fact]
    public void Indexing_SelectNarrowSliceGatherMaskedFill_PickTheRightElements()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(12).reshape(3, 4);
        x[1].data<long>().Should().Equal(4L, 5, 6, 7);
        x.narrow(1, 1, 2).contiguous().data<long>().Should().Equal(1L, 2, 5, 6, 9, 10);
        x.slice(1, 0, 4, 2).contiguous().data<long>().Should().Equal(0L, 2, 4, 6, 8, 10);
        x.index_select(0, torch.tensor(new long[] { 2, 0 })).data<long>().Should().Equal(8L, 9, 10, 11, 0, 1, 2, 3);
        x.gather(1, torch.tensor(new long[] { 3, 0, 1 }, [3, 1])).data<long>().Should().Equal(3L, 4, 9);
        x.masked_fill(x.gt(9.0), -1).data<long>().Should().Equal(0L, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1);
        torch.where(x.lt(2.0), x, torch.zeros([1], torch.int64)).sum().item().Should().Be(1);
    }

    [Fact]
    public void TopkSortArgmax_ReturnValuesAndIndices()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new[] { 0.5f, 3f, -1f, 2f });
        var (v, i) = x.topk(2);
        v.data<float>().Should().Equal(3f, 2f);
        i.data<long>().Should().Equal(1L, 3L);
        var (sv, si) = x.sort(descending: false);
        sv.data<float>().Should().Equal(-1f, 0.5f, 2f, 3f);
        si.data<long>().Should().Equal(2L, 0L, 3L, 1L);
        x.argmax().item().Should().Be(1);
        var m = torch.tensor(new[] { 1f, 9f, 4f, 7f, 2f, 8f }, [2, 3]);
        var (mv, mi) = m.max(1);
        mv.data<float>().Should().Equal(9f, 8f);
        mi.data<long>().Should().Equal(1L, 2L);
        m.min(0).indices.data<long>().Should().Equal(0L, 1L, 0L);
    }

    [Fact]
    public void Math_OperatorsAndReductions_MatchFormulas()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new[] { 1.0, 2.0, 3.0, 4.0 }, [2, 2]);
        var b = torch.tensor(new[] { 0.5, -1.0 });
        (a + b).data<double>().Should().Equal(1.5, 1.0, 3.5, 3.0);
        (a * 2 - 1).data<double>().Should().Equal(1.0, 3.0, 5.0, 7.0);
        (1.0 / a).data<double>().Should().Equal(1.0, 0.5, 1.0 / 3, 0.25);
        (10.0 - a).data<double>().Should().Equal(9.0, 8.0, 7.0, 6.0);
        a.matmul(a).data<double>().Should().Equal(7.0, 10.0, 15.0, 22.0);
        a.sum().item().Should().Be(10);
        a.mean(0).data<double>().Should().Equal(2.0, 3.0);
        a.norm().item().Should().BeApproximately(Math.Sqrt(30), 1e-12);
        a.logsumexp(1).data<double>()[0].Should().BeApproximately(Math.Log(Math.Exp(1) + Math.Exp(2)), 1e-12);
        a.softmax(1).data<double>()[1].Should().BeApproximately(Math.Exp(2) / (Math.Exp(1) + Math.Exp(2)), 1e-12);
        a.clamp(1.5, 3.5).data<double>().Should().Equal(1.5, 2.0, 3.0, 3.5);
        a.rsqrt().data<double>()[3].Should().BeApproximately(0.5, 1e-12);
        (torch.arange(3) + 1).dtype.Should().Be(ScalarType.Int64);
    }

    [Fact]
    public void CopyTo_WrongElementType_Throws()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.zeros([2]);
        var act = () => x.data<long>();
        act.Should().Throw<ArgumentException>().WithMessage("*Float32 tensor*Int64*");
    }
}
