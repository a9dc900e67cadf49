namespace BlairClip.Torch.Tests;

public sealed class MemoryTests
{
    private static long ResidentBytes()
    {
        // /proc/self/statm: size resident shared text lib data dt (in pages)
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1]) * Environment.SystemPageSize;
    }

    private static void Run(int iterations)
    {
        using var x = torch.randn([32, 32]);
        for (var i = 0; i < iterations; i++)
        {
            using var scope = torch.NewDisposeScope();
            // 10 ops per iteration, each result 4 KiB: a leak of 100,000 ops would be ~400 MiB.
            var y = x.matmul(x);
            y = (y + x) * 0.5;
            y = y.tanh().exp();
            y = y.softmax(-1).log();
            y = y.transpose(0, 1).contiguous();
            y = y.sum(0);
        }
    }

    [Fact]
    public void DisposeScopes_HundredThousandOps_ResidentMemoryDoesNotGrow()
    {
        Run(2_000); // warm-up: allocator pools, JIT, thread pools
        GC.Collect();
        var before = ResidentBytes();
        Run(10_000); // 10 ops each = 100,000 ops
        GC.Collect();
        var after = ResidentBytes();
        (after - before).Should().BeLessThan(32L << 20, $"RSS went from {before >> 20} MiB to {after >> 20} MiB");
    }

    [Fact]
    public void DisposeScope_MovedOutTensor_SurvivesOthersDisposed()
    {
        Tensor kept, dropped;
        using (var outer = torch.NewDisposeScope())
        {
            using (torch.NewDisposeScope())
            {
                kept = torch.ones([2]).MoveToOuterScope();
                dropped = torch.ones([2]);
            }
            dropped.IsDisposed.Should().BeTrue();
            kept.IsDisposed.Should().BeFalse();
            kept.sum().item().Should().Be(2);
            outer.Count.Should().Be(2, "kept and the sum result belong to the outer scope");
        }
        kept.IsDisposed.Should().BeTrue();
        var owned = torch.NewDisposeScope();
        var detached = torch.zeros([1]).DetachFromDisposeScope();
        owned.Dispose();
        detached.IsDisposed.Should().BeFalse();
        detached.Dispose();
    }

    [Fact]
    public void NoGrad_Scope_DisablesRecordingAndRestores()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones([2], requires_grad: true);
        using (torch.no_grad())
        {
            torch.is_grad_enabled().Should().BeFalse();
            (x * 2).requires_grad.Should().BeFalse();
        }
        torch.is_grad_enabled().Should().BeTrue();
        (x * 2).requires_grad.Should().BeTrue();
    }

    [Fact]
    public void Backward_WithGradient_AccumulatesVectorJacobianProduct()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new[] { 1.0, 2.0 }, requires_grad: true);
        (x * x).backward(torch.tensor(new[] { 1.0, 10.0 }));
        x.grad!.data<double>().Should().Equal(2.0, 40.0);
        (x * 3.0).sum().backward();
        x.grad!.data<double>().Should().Equal(5.0, 43.0); // gradients accumulate until zero_grad
        x.zero_grad();
        x.grad.Should().BeNull();
        x.detach().requires_grad.Should().BeFalse();
    }
}
