namespace BlairClip.Torch.Tests;

/// <summary>
/// Finite-difference gradient check in float64: compares the autograd gradient of L = Σ f(x)·w (w random) with
/// (L(x + h·eᵢ) - L(x - h·eᵢ)) / 2h for every element of every input.
/// </summary>
internal static class GradCheck
{
    internal static void Check(Func<Tensor[], Tensor> f, params Tensor[] inputs) => Check(f, 1e-6, 1e-5, inputs);

    internal static void Check(Func<Tensor[], Tensor> f, double atol, double rtol, params Tensor[] inputs)
    {
        using var scope = torch.NewDisposeScope();
        foreach (var x in inputs)
        {
            x.dtype.Should().Be(ScalarType.Float64, "gradient checks run in float64");
            x.requires_grad = true;
        }
        var y = f(inputs);
        var w = torch.randn(y.shape, ScalarType.Float64);
        (y * w).sum().backward();
        const double h = 1e-6;
        for (var i = 0; i < inputs.Length; i++)
        {
            var analytic = inputs[i].grad!.data<double>();
            var data = inputs[i].data<double>();
            var shape = inputs[i].shape;
            for (var j = 0; j < data.Length; j++)
            {
                double Loss(double delta)
                {
                    using var inner = torch.NewDisposeScope();
                    using var noGrad = torch.no_grad();
                    var copy = (double[])data.Clone();
                    copy[j] += delta;
                    var args = (Tensor[])inputs.Clone();
                    args[i] = torch.from_array(copy, shape);
                    return (f(args) * w).sum().item();
                }
                var numeric = (Loss(h) - Loss(-h)) / (2 * h);
                Math.Abs(analytic[j] - numeric).Should().BeLessThanOrEqualTo(atol + rtol * Math.Abs(numeric),
                    $"d/dx{i}[{j}]: autograd {analytic[j]} vs finite difference {numeric}");
            }
        }
    }

    internal static Tensor Randn(params long[] shape) => torch.randn(shape, ScalarType.Float64);
}
