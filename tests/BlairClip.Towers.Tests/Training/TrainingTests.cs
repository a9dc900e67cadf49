using BlairClip.Towers.Training;
using TorchSharp.Modules;

namespace BlairClip.Towers.Tests.Training;

public sealed class TrainingTests
{
    [Fact]
    public void Autocast_CpuBfloat16_MatmulRunsInBfloat16OtherOpsUntouchedAndRestores()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.randn(4, 4);
        Autocast.IsEnabled(DeviceType.CPU).Should().BeFalse();
        using (new Autocast(DeviceType.CPU, ScalarType.BFloat16))
        {
            Autocast.IsEnabled(DeviceType.CPU).Should().BeTrue();
            a.matmul(a).dtype.Should().Be(ScalarType.BFloat16, "matmul is on autocast's lower-precision list");
            torch.nn.functional.linear(a, a).dtype.Should().Be(ScalarType.BFloat16);
            (a + a).dtype.Should().Be(ScalarType.Float32, "ops off autocast's lists keep their input dtype");
            using (new Autocast(DeviceType.CPU)) a.matmul(a).dtype.Should().Be(ScalarType.BFloat16, "nested regions keep it on");
            Autocast.IsEnabled(DeviceType.CPU).Should().BeTrue("leaving the inner region restores the outer one");
        }
        Autocast.IsEnabled(DeviceType.CPU).Should().BeFalse();
        a.matmul(a).dtype.Should().Be(ScalarType.Float32);
    }

    [Fact]
    public void Autocast_Float32_IsRefusedNamingTheDtype() =>
        FluentActions.Invoking(() => new Autocast(DeviceType.CPU, ScalarType.Float32))
            .Should().Throw<ArgumentException>().WithMessage("*BFloat16 or Float16, but was Float32*");

    [Fact]
    public void Autocast_ForwardOfATower_MatchesFloat32WithinBfloat16Precision()
    {
        using var model = Roberta.RobertaModel.FromPretrained(Fixtures.TinyRoberta);
        using var scope = torch.NewDisposeScope();
        var ids = torch.tensor(new long[] { 0, 31414, 232, 2 }, [1, 4]);
        using var noGrad = torch.no_grad();
        var exact = model.forward(ids).last_hidden_state;
        Tensor mixed;
        using (new Autocast(DeviceType.CPU)) mixed = model.forward(ids).last_hidden_state;
        (mixed.to(ScalarType.Float32) - exact).abs().max().item<float>().Should().BeInRange(1e-6f, 0.1f,
            "bf16 matmuls change the result, but only at bf16 precision");
    }

    [Fact]
    public void GradScaler_InfGradient_SkipsStepAndBacksOff_ThenStepsWithUnscaledGradient()
    {
        using var p = new Parameter(torch.tensor(new[] { 1.0f }));
        using var opt = torch.optim.SGD([p], 1.0);
        var scaler = new GradScaler(init_scale: 8, growth_interval: 2);
        using (torch.NewDisposeScope())
        {
            scaler.scale((p * float.PositiveInfinity).sum()).backward();
            scaler.step(opt).Should().BeFalse();
            scaler.update();
        }
        p.data<float>().ToArray().Should().Equal(1f);
        scaler.scale_value.Should().Be(4);
        opt.zero_grad();
        using (torch.NewDisposeScope())
        {
            scaler.scale((p * 3f).sum()).backward();
            scaler.step(opt).Should().BeTrue();
            scaler.update();
        }
        p.data<float>().ToArray().Should().Equal([-2f], "the unscaled gradient is 3, so p = 1 - 3");
        FluentActions.Invoking(() => new GradScaler(growth_factor: 1)).Should().Throw<ArgumentException>().WithMessage("*growth_factor > 1*");
    }

    [Fact]
    public void ParameterGroups_NoDecayOnBiasAndNorm_SplitsByRankAndLeavesFrozenOut()
    {
        using var model = nn.Sequential(("fc", nn.Linear(2, 3)), ("norm", nn.LayerNorm(3)), ("frozen", nn.Linear(3, 1)));
        var frozen = (Linear)model.named_children().Single(c => c.name == "frozen").module;
        foreach (var q in frozen.parameters()) q.requires_grad = false;

        var groups = ParameterGroups.NoDecayOnBiasAndNorm(model, 0.05);

        groups[0].Parameters.Should().ContainSingle().Which.Should().BeSameAs(((Linear)model.named_children().First().module).weight);
        groups[1].Parameters.Should().HaveCount(3, "fc.bias, norm.weight, norm.bias");
        using var opt = torch.optim.AdamW(groups, 1e-3);
        opt.ParamGroups.Select(g => ((AdamW.ParamGroup)g).Options.weight_decay).Should().Equal(0.05, 0.0);
    }

    [Fact]
    public void AdamW_DecayAndNoDecayGroups_TwoStepsEqualTheFormula()
    {
        double[] p0 = [1.0, -2.0, 0.25];
        double[] g = [0.5, -1.5, 1e-3];
        const double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        using var decayed = new Parameter(torch.tensor(p0));
        using var plain = new Parameter(torch.tensor(p0));
        using var opt = torch.optim.AdamW(new[]
        {
            new AdamW.ParamGroup([decayed], new AdamW.Options { weight_decay = 0.01 }),
            new AdamW.ParamGroup([plain], new AdamW.Options { weight_decay = 0 }),
        }, lr, b1, b2, eps);
        var expected = new[] { (double[])p0.Clone(), (double[])p0.Clone() };
        double[] m = new double[3], v = new double[3];
        for (var t = 1; t <= 2; t++)
        {
            using (torch.NewDisposeScope())
            {
                ((decayed + plain) * torch.tensor(g)).sum().backward();
                opt.step();
                opt.zero_grad();
            }
            for (var i = 0; i < 3; i++)
            {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                var update = lr * (m[i] / (1 - Math.Pow(b1, t))) / (Math.Sqrt(v[i] / (1 - Math.Pow(b2, t))) + eps);
                expected[0][i] = expected[0][i] * (1 - lr * 0.01) - update;
                expected[1][i] -= update;
            }
            foreach (var (p, e) in new[] { (decayed, expected[0]), (plain, expected[1]) })
            {
                var actual = p.data<double>().ToArray();
                for (var i = 0; i < 3; i++) actual[i].Should().BeApproximately(e[i], 1e-12, $"step {t}, element {i}");
            }
        }
    }

    [Fact]
    public void WarmupSchedules_LinearAndCosine_StepThroughTheFormulas()
    {
        using var p = new Parameter(torch.zeros(1));
        using var opt = torch.optim.SGD([p], 1.0);
        var linear = WarmupSchedules.Linear(opt, num_warmup_steps: 4, num_training_steps: 12);
        opt.ParamGroups.Single().LearningRate.Should().Be(0, "step 0 of the warm-up");
        var seen = new List<double>();
        for (var s = 1; s <= 12; s++) { opt.step(); linear.step(); seen.Add(opt.ParamGroups.Single().LearningRate); }
        seen.Should().Equal(Enumerable.Range(1, 12).Select(s => s < 4 ? s / 4.0 : (12 - s) / 8.0),
            "s/4 during warm-up, then (12 - s)/8 down to 0");
        WarmupSchedules.CosineFactor(8, 4, 12).Should().BeApproximately(0.5 * (1 + Math.Cos(Math.PI * 4 / 8)), 1e-15);
        WarmupSchedules.CosineFactor(2, 4, 12).Should().Be(0.5);
        WarmupSchedules.CosineFactor(12, 4, 12).Should().BeApproximately(0, 1e-15);
    }
}
