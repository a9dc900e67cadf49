
namespace BlairClip.Towers;

/// <summary>HF's <c>ACT2FN</c> names for the activations these towers use.</summary>
internal static class Activations
{
    /// <summary>The function named <paramref name="name"/>: gelu (erf), gelu_new / gelu_pytorch_tanh (tanh), quick_gelu (x·σ(1.702x)), relu.</summary>
    /// <exception cref="InvalidDataException">The name is unknown; the message names the file and key.</exception>
    public static Func<Tensor, Tensor> Get(string name, string file, string key) => name switch
    {
        "gelu" => x => x.gelu(),
        "gelu_new" or "gelu_pytorch_tanh" => x => x.gelu(TorchSharp.Modules.GELU.Approximate.tanh),
        "quick_gelu" => x => x * (x * 1.702).sigmoid(),
        "relu" => x => x.relu(),
        _ => throw new InvalidDataException(
            $"{file}: key '{key}' must be gelu, gelu_new, gelu_pytorch_tanh, quick_gelu or relu, but was '{name}'."),
    };
}
