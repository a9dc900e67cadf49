using BlairClip.Torch.Modules;

namespace BlairClip.Torch.Tests;

public sealed class AmpTests
{
    [Fact]
    public void Autocast_CpuBfloat16_MatmulRunsInBfloat16AndRestores()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.randn([4, 4]);
        using (torch.autocast(DeviceType.CPU, torch.bfloat16))
            a.matmul(a).dtype.Should().Be(ScalarType.BFloat16);
        a.matmul(a).dtype.Should().Be(ScalarType.Float32);
    }

    [Fact]
    public void GradScaler_InfGradient_SkipsStepAndBacksOff()
    {
        using var p = new Parameter(torch.tensor(new[] { 1.0f }));
        using var opt = torch.optim.SGD([p], lr: 1);
        var scaler = torch.amp.GradScaler(init_scale: 8, growth_interval: 2);
        using (torch.NewDisposeScope())
        {
            scaler.scale((p * float.PositiveInfinity).sum()).backward();
            scaler.step(opt).Should().BeFalse();
            scaler.update();
        }
        p.data<float>().Should().Equal(1f);
        scaler.scale_value.Should().Be(4);
        opt.zero_grad();
        using (torch.NewDisposeScope())
        {
            scaler.scale((p * 3f).sum()).backward();
            scaler.step(opt).Should().BeTrue();
            scaler.update();
        }
        // the unscaled gradient is 3, so p = 1 - 3
        p.data<float>().Should().Equal(-2f);
    }

    [Fact]
    public void Cuda_Queries_AgreeWithEachOther()
    {
        var available = torch.cuda.is_available();
        (torch.cuda.device_count() > 0).Should().Be(available);
        if (!available)
        {
            var act = () => torch.cuda.synchronize();
            act.Should().Throw<TorchException>().WithMessage("*CUDA is not available*");
        }
    }
}
