using BlairClip.ML.IO;

namespace BlairClip.Towers.Loading;

/// <summary>A state dict does not fit a module: names the keys, and for shape mismatches the tensor and both shapes.</summary>
public sealed class StateDictException(string message) : Exception(message);

/// <summary>
/// Checkpoint files ↔ TorchSharp tensors through our own readers (<see cref="Checkpoint.Open"/>: safetensors through a
/// memory map, sharded index files, and <c>pytorch_model.bin</c> through the restricted unpickler that refuses
/// <c>os.system</c>, <c>builtins.eval</c> and the like without executing anything). TorchSharp.PyBridge also reads these
/// formats, but its pickle reader is not proven to refuse what ours refuses, so .bin files keep going through ours.
/// </summary>
public static class CheckpointTensors
{
    /// <summary>
    /// Every tensor of a checkpoint as users download it (a <c>.safetensors</c> or <c>pytorch_model.bin</c> file, a sharded
    /// <c>*.index.json</c>, or a Hugging Face folder), as CPU tensors keyed by stored name in file order. Each tensor is
    /// copied once from the mapped file into libtorch memory. The tensors are detached from dispose scopes: the caller
    /// owns them.
    /// </summary>
    /// <exception cref="CheckpointFormatException">Malformed file, or an unsafe pickle global in a .bin (never executed).</exception>
    public static Dictionary<string, Tensor> Load(string pathOrFolder)
    {
        using var checkpoint = Checkpoint.Open(pathOrFolder);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var info in checkpoint.Tensors)
            {
                var tensor = torch.empty(info.Shape, ToScalarType(info.DType)).DetachFromDisposeScope();
                result[info.Name] = tensor;
                checkpoint.GetBytes(info.Name).CopyTo(tensor.bytes);
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>Writes <paramref name="tensors"/> (any device, any dtype safetensors stores) to a safetensors file atomically.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var writer = new SafeTensorsWriter();
        foreach (var (name, t) in tensors)
        {
            using var scope = torch.NewDisposeScope(); // frees the detached / CPU / contiguous copies
            writer.AddRaw(name, ToSafeTensor(t.dtype), t.detach().cpu().contiguous().bytes, t.shape);
        }
        if (metadata is not null)
            foreach (var (k, v) in metadata) writer.Metadata[k] = v;
        writer.Save(path);
    }

    /// <summary>The libtorch dtype of a stored dtype.</summary>
    public static ScalarType ToScalarType(SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F64 => ScalarType.Float64,
        SafeTensorDType.F32 => ScalarType.Float32,
        SafeTensorDType.F16 => ScalarType.Float16,
        SafeTensorDType.BF16 => ScalarType.BFloat16,
        SafeTensorDType.I64 => ScalarType.Int64,
        SafeTensorDType.I32 => ScalarType.Int32,
        SafeTensorDType.I16 => ScalarType.Int16,
        SafeTensorDType.I8 => ScalarType.Int8,
        SafeTensorDType.U8 => ScalarType.Byte,
        SafeTensorDType.BOOL => ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown safetensors dtype"),
    };

    /// <summary>The stored dtype of a libtorch dtype.</summary>
    /// <exception cref="NotSupportedException">safetensors has no such dtype (complex, quantised).</exception>
    public static SafeTensorDType ToSafeTensor(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => SafeTensorDType.F64,
        ScalarType.Float32 => SafeTensorDType.F32,
        ScalarType.Float16 => SafeTensorDType.F16,
        ScalarType.BFloat16 => SafeTensorDType.BF16,
        ScalarType.Int64 => SafeTensorDType.I64,
        ScalarType.Int32 => SafeTensorDType.I32,
        ScalarType.Int16 => SafeTensorDType.I16,
        ScalarType.Int8 => SafeTensorDType.I8,
        ScalarType.Byte => SafeTensorDType.U8,
        ScalarType.Bool => SafeTensorDType.BOOL,
        _ => throw new NotSupportedException($"safetensors cannot store {dtype}."),
    };
}
