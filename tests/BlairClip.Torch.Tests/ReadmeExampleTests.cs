namespace BlairClip.Torch.Tests;

/// <summary>The README's tensor-engine example, as written there, must compile and train.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void ReadmeExample_OneAdamWStep_ChangesWeightsAndLowersNothingElse()
    {
        torch.manual_seed(0);
        using var scope = torch.NewDisposeScope();
        var x = torch.randn([8, 16], requires_grad: true);
        var lin = torch.nn.Linear(16, 4);
        var before = lin.weight.data<float>();
        var loss = torch.nn.functional.cross_entropy(lin.call(x), torch.randint(0, 4, [8]));
        loss.backward();
        var opt = torch.optim.AdamW(torch.optim.param_groups_no_decay_on_bias_and_norm(lin, 0.01), lr: 1e-3);
        opt.step();
        lin.weight.data<float>().Should().NotEqual(before);
        x.grad.Should().NotBeNull();
    }
}
