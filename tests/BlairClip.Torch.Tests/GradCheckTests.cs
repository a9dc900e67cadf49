using F = BlairClip.Torch.torch.nn.functional;

namespace BlairClip.Torch.Tests;

public sealed class GradCheckTests
{
    public GradCheckTests() => torch.manual_seed(7);

    private static Tensor R(params long[] shape) => GradCheck.Randn(shape);

    [Fact] public void Linear_WithBias_MatchesFiniteDifferences() => GradCheck.Check(a => F.linear(a[0], a[1], a[2]), R(3, 4), R(5, 4), R(5));
    [Fact] public void Matmul_Broadcast_MatchesFiniteDifferences() => GradCheck.Check(a => a[0].matmul(a[1]), R(2, 3, 4), R(4, 2));
    [Fact] public void Bmm_MatchesFiniteDifferences() => GradCheck.Check(a => a[0].bmm(a[1]), R(2, 3, 4), R(2, 4, 2));
    [Fact] public void Addmm_MatchesFiniteDifferences() => GradCheck.Check(a => torch.addmm(a[0], a[1], a[2], 0.5, 2), R(3, 2), R(3, 4), R(4, 2));
    [Fact] public void Baddbmm_MatchesFiniteDifferences() => GradCheck.Check(a => torch.baddbmm(a[0], a[1], a[2], 0.5, 2), R(2, 3, 2), R(2, 3, 4), R(2, 4, 2));
    [Fact] public void LayerNorm_MatchesFiniteDifferences() => GradCheck.Check(a => F.layer_norm(a[0], [4], a[1], a[2], 1e-5), R(3, 4), R(4), R(4));
    [Fact] public void GeluErf_MatchesFiniteDifferences() => GradCheck.Check(a => F.gelu(a[0]), R(3, 4));
    [Fact] public void GeluTanh_MatchesFiniteDifferences() => GradCheck.Check(a => F.gelu(a[0], "tanh"), R(3, 4));
    [Fact] public void Softmax_MatchesFiniteDifferences() => GradCheck.Check(a => a[0].softmax(-1), R(3, 4));
    [Fact] public void LogSoftmax_MatchesFiniteDifferences() => GradCheck.Check(a => a[0].log_softmax(1), R(3, 4));
    [Fact] public void Tanh_Sigmoid_MatchFiniteDifferences() => GradCheck.Check(a => a[0].tanh() + a[0].sigmoid(), R(3, 4));
    [Fact] public void ExpLog_MatchFiniteDifferences() => GradCheck.Check(a => a[0].exp() + (a[0].abs() + 0.5).log(), R(3, 4));
    [Fact] public void SqrtRsqrtPow_MatchFiniteDifferences() => GradCheck.Check(a => { var p = a[0].abs() + 0.5; return p.sqrt() + p.rsqrt() + p.pow(3); }, R(3, 4));
    [Fact] public void Relu_MatchesFiniteDifferences() => GradCheck.Check(a => (a[0] + 0.01).relu(), torch.tensor(new[] { -1.0, -0.3, 0.4, 2.0 }));
    [Fact] public void ReductionsAndLogSumExp_MatchFiniteDifferences() =>
        GradCheck.Check(a => a[0].sum(1) + a[0].mean(1) * 2 + a[0].logsumexp(1) + a[0].norm(2, [1]), R(3, 4));
    [Fact] public void ViewsAndIndexing_MatchFiniteDifferences() =>
        GradCheck.Check(a => torch.cat([a[0].permute(1, 0).reshape(2, 6), a[0].transpose(0, 1).narrow(0, 1, 2).reshape(2, 3).repeat(1, 2)], 0)
            .index_select(0, torch.tensor(new long[] { 2, 0, 3 })), R(3, 4));
    [Fact] public void Embedding_MatchesFiniteDifferences() =>
        GradCheck.Check(a => F.embedding(torch.tensor(new long[] { 0, 2, 2, 1 }, [2, 2]), a[0]), R(3, 5));
    [Fact] public void Conv2d_StridePadding_MatchesFiniteDifferences() =>
        GradCheck.Check(a => F.conv2d(a[0], a[1], a[2], stride: (2, 1), padding: (1, 1)), R(1, 2, 5, 4), R(3, 2, 3, 3), R(3));
    [Fact] public void CrossEntropy_WithLabelSmoothing_MatchesFiniteDifferences() =>
        GradCheck.Check(a => F.cross_entropy(a[0], torch.tensor(new long[] { 1, 0, 3 }), label_smoothing: 0.1), R(3, 4));
    [Fact] public void Normalize_MatchesFiniteDifferences() => GradCheck.Check(a => F.normalize(a[0], dim: -1), R(3, 4));
    [Fact] public void ScaledDotProductAttention_CausalWithMask_MatchesFiniteDifferences() =>
        GradCheck.Check(a => F.scaled_dot_product_attention(a[0], a[1], a[2], torch.ones([3, 3], torch.@bool).tril(), is_causal: false)
                             + F.scaled_dot_product_attention(a[0], a[1], a[2], is_causal: true),
            R(2, 3, 4), R(2, 3, 4), R(2, 3, 4));
    [Fact] public void MaskedFillWhereGather_MatchFiniteDifferences() =>
        GradCheck.Check(a => torch.where(a[0] > 0, a[0], a[1]).masked_fill(torch.tensor(new[] { true, false, false, true }), 0.0)
            .gather(0, torch.tensor(new long[] { 3, 1, 2, 2 })), R(4), R(4));
}
