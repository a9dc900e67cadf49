using BlairClip.Torch.Modules;
using BlairClip.Torch.Optim;
using F = BlairClip.Torch.torch.nn.functional;

namespace BlairClip.Torch.Tests;

public sealed class OptimizerTests
{
    [Fact]
    public void AdamW_TwoSteps_EqualsFormula()
    {
        double[] p0 = [1.0, -2.0, 0.25];
        double[] g = [0.5, -1.5, 1e-3];
        const double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.01;
        using var p = new Parameter(torch.tensor(p0));
        using var opt = torch.optim.AdamW([p], lr, (b1, b2), eps, wd);
        var expected = (double[])p0.Clone();
        double[] m = new double[3], v = new double[3];
        for (var t = 1; t <= 2; t++)
        {
            using (var scope = torch.NewDisposeScope())
            {
                (p * torch.tensor(g)).sum().backward();
                opt.step();
                opt.zero_grad();
            }
            for (var i = 0; i < 3; i++)
            {
                expected[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                var mHat = m[i] / (1 - Math.Pow(b1, t));
                var vHat = v[i] / (1 - Math.Pow(b2, t));
                expected[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
            var actual = p.data<double>();
            for (var i = 0; i < 3; i++) actual[i].Should().BeApproximately(expected[i], 1e-12, $"step {t}, element {i}");
        }
        opt.step_count(p).Should().Be(2);
    }

    [Fact]
    public void SGD_Momentum_EqualsFormula()
    {
        using var p = new Parameter(torch.tensor(new[] { 1.0 }));
        using var opt = torch.optim.SGD([p], lr: 0.1, momentum: 0.9);
        for (var t = 0; t < 2; t++)
        {
            using var scope = torch.NewDisposeScope();
            (p * 2.0).sum().backward();
            opt.step();
            opt.zero_grad();
        }
        // b1 = 2, p1 = 1 - 0.2; b2 = 0.9·2 + 2 = 3.8, p2 = p1 - 0.38
        p.data<double>()[0].Should().BeApproximately(1 - 0.2 - 0.38, 1e-12);
    }

    [Fact]
    public void Mlp_Xor_LearnsAllFourCases()
    {
        torch.manual_seed(0);
        using var model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 2));
        using var opt = torch.optim.AdamW(model.parameters(), lr: 0.05, weight_decay: 0);
        using var x = torch.tensor(new[] { 0f, 0f, 0f, 1f, 1f, 0f, 1f, 1f }, [4, 2]);
        using var y = torch.tensor(new long[] { 0, 1, 1, 0 });
        double loss = 0;
        for (var step = 0; step < 300; step++)
        {
            using var scope = torch.NewDisposeScope();
            var l = F.cross_entropy(model.call(x), y);
            opt.zero_grad();
            l.backward();
            opt.step();
            loss = l.item();
        }
        loss.Should().BeLessThan(0.05);
        using var s = torch.NewDisposeScope();
        using (torch.no_grad()) model.call(x).argmax(1).data<long>().Should().Equal(0L, 1, 1, 0);
    }

    [Fact]
    public void ParamGroups_NoDecayOnBiasAndNorm_SplitsByRank()
    {
        using var model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.LayerNorm(3));
        var groups = torch.optim.param_groups_no_decay_on_bias_and_norm(model, 0.05);
        groups[0].parameters.Should().ContainSingle().Which.Should().BeSameAs(((Linear)model.named_children().First().module).weight);
        groups[1].parameters.Should().HaveCount(3);
        using var opt = torch.optim.AdamW(groups, lr: 1e-3);
        opt.param_groups.Select(g => g.weight_decay).Should().Equal(0.05, 0.0);
    }

    [Fact]
    public void Schedules_WarmupThenDecay_MatchFormulas()
    {
        using var p = new Parameter(torch.zeros([1]));
        using var opt = torch.optim.SGD([p], lr: 1.0);
        var sched = torch.optim.lr_scheduler.linear_with_warmup(opt, num_warmup_steps: 4, num_training_steps: 12);
        sched.get_last_lr()[0].Should().Be(0);
        sched.step(); sched.step();
        opt.param_groups[0].lr.Should().BeApproximately(2.0 / 4, 1e-15);
        sched.set_step(8);
        opt.param_groups[0].lr.Should().BeApproximately((12 - 8) / 8.0, 1e-15);
        LrSchedules.CosineWarmupDecay(8, 4, 12).Should().BeApproximately(0.5 * (1 + Math.Cos(Math.PI * 4 / 8)), 1e-15);
        LrSchedules.CosineWarmupDecay(12, 4, 12).Should().BeApproximately(0, 1e-15);
    }

    [Fact]
    public void AdamW_SaveLoad_ResumesIdentically()
    {
        var path = Path.Combine(Path.GetTempPath(), $"adamw-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var p = new Parameter(torch.tensor(new[] { 1.0, 2.0 }));
            using var q = new Parameter(torch.tensor(new[] { 1.0, 2.0 }));
            using var a = torch.optim.AdamW([p], lr: 0.1);
            using var b = torch.optim.AdamW([q], lr: 0.1);
            void Step(Parameter x, Optimizer o)
            {
                using var scope = torch.NewDisposeScope();
                (x * x).sum().backward();
                o.step();
                o.zero_grad();
            }
            Step(p, a); Step(q, b);
            a.save(path);
            using var c = torch.optim.AdamW([q], lr: 0.1);
            b.Dispose();
            c.load(path);
            Step(p, a); Step(q, c);
            q.data<double>().Should().Equal(p.data<double>());
            c.step_count(q).Should().Be(2);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ClipGradNorm_ScalesToMaxNorm()
    {
        using var p = new Parameter(torch.tensor(new[] { 0.0, 0.0 }));
        using var scope = torch.NewDisposeScope();
        (p * torch.tensor(new[] { 3.0, 4.0 })).sum().backward();
        var total = torch.nn.utils.clip_grad_norm_([p], 1.0);
        total.Should().BeApproximately(5, 1e-12);
        var g = p.grad!.data<double>();
        g[0].Should().BeApproximately(3 / (5 + 1e-6), 1e-9);
        g[1].Should().BeApproximately(4 / (5 + 1e-6), 1e-9);
    }

    [Fact]
    public void Load_StateFromOtherOptimizerType_ThrowsNamingBoth()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sgd-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var p = new Parameter(torch.tensor(new[] { 1.0 }));
            using var sgd = torch.optim.SGD([p], lr: 0.1, momentum: 0.9);
            sgd.save(path);
            using var adam = torch.optim.AdamW([p]);
            var act = () => adam.load(path);
            act.Should().Throw<InvalidDataException>().WithMessage("*written by 'SGD', expected 'AdamW'*");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void AdamW_GroupWithoutDecay_ZeroGradientLeavesParameterUnchanged()
    {
        using var w = new Parameter(torch.tensor(new[] { 2.0 }, [1, 1]));
        using var b = new Parameter(torch.tensor(new[] { 2.0 }));
        using var opt = torch.optim.AdamW([new ParamGroup([w], weight_decay: 0.5), new ParamGroup([b], weight_decay: 0)], lr: 0.1);
        using (torch.NewDisposeScope())
        {
            ((w.sum() + b.sum()) * 0.0).backward();
            opt.step();
        }
        // zero gradient: only decoupled decay moves a parameter, p·(1 - lr·wd)
        w.data<double>()[0].Should().BeApproximately(2.0 * (1 - 0.1 * 0.5), 1e-12);
        b.data<double>()[0].Should().Be(2.0);
    }
}
