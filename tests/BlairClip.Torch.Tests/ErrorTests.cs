using BlairClip.Torch.Modules;
using F = BlairClip.Torch.torch.nn.functional;

namespace BlairClip.Torch.Tests;

public sealed class ErrorTests
{
    [Fact]
    public void Matmul_ShapeMismatch_ThrowsTorchExceptionWithLibtorchMessage()
    {
        using var scope = torch.NewDisposeScope();
        var act = () => torch.zeros([2, 3]).matmul(torch.zeros([4, 5]));
        act.Should().Throw<TorchException>().WithMessage("*mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)*");
        // The process survives and the thread's error is cleared: the next call works.
        torch.ones([2, 2]).matmul(torch.ones([2, 2])).sum().item().Should().Be(8);
    }

    [Fact]
    public void Embedding_FloatIndices_ThrowsWrongDtype()
    {
        using var scope = torch.NewDisposeScope();
        var act = () => F.embedding(torch.zeros([2]), torch.zeros([3, 4]));
        act.Should().Throw<TorchException>().WithMessage("*Long*");
    }

    [Fact]
    public void Reshape_WrongElementCount_ThrowsWithShapes()
    {
        using var scope = torch.NewDisposeScope();
        var act = () => torch.zeros([2, 3]).reshape(4, 2);
        act.Should().Throw<TorchException>().WithMessage("*shape '[4, 2]' is invalid for input of size 6*");
    }

    [Fact]
    public void FromBytes_WrongByteCount_ThrowsNamingBothSizes()
    {
        var act = () => torch.from_bytes(new byte[10], BlairClip.ML.IO.SafeTensorDType.F32, [3]);
        act.Should().Throw<TorchException>().WithMessage("*needs 12 bytes, got 10*");
    }

    [Fact]
    public void DisposedTensor_Use_ThrowsObjectDisposed()
    {
        var x = torch.zeros([2]);
        x.Dispose();
        var act = () => x.sum();
        act.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Backward_OnNonScalarWithoutGradient_Throws()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones([3], requires_grad: true);
        var act = () => (x * 2).backward();
        act.Should().Throw<TorchException>().WithMessage("*grad can be implicitly created only for scalar outputs*");
    }

    [Fact]
    public void LoadStateDict_UnknownKeyStrict_NamesTheKey()
    {
        using var model = torch.nn.Linear(2, 3);
        using var scope = torch.NewDisposeScope();
        var state = new Dictionary<string, Tensor> { ["weight"] = torch.zeros([3, 2]), ["bias"] = torch.zeros([3]), ["scale"] = torch.zeros([1]) };
        var act = () => model.load_state_dict(state);
        act.Should().Throw<StateDictException>().WithMessage("*unexpected keys [scale]*");
    }
}
