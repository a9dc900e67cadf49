using BlairClip.ML.IO;

namespace BlairClip.Torch;

public static partial class torch
{
    /// <summary>
    /// Reads every tensor of a safetensors file into CPU tensors, keyed by name in file order. The returned
    /// tensors are detached from dispose scopes: the caller owns them.
    /// </summary>
    /// <exception cref="SafeTensorsFormatException">The file is not valid safetensors (the message names it).</exception>
    public static Dictionary<string, Tensor> load_safetensors(string path)
    {
        using var file = SafeTensorsFile.Open(path);
        return ToTensors(file);
    }

    /// <summary>Loads every tensor of a checkpoint as users download it: a <c>.safetensors</c> or <c>pytorch_model.bin</c>
    /// file, a sharded <c>*.index.json</c>, or a Hugging Face folder (see <see cref="Checkpoint.Open"/>). The file is
    /// memory-mapped and each tensor copied once into libtorch memory on the CPU. Names are as stored (no prefix stripping).</summary>
    /// <exception cref="CheckpointFormatException">Malformed file, or an unsafe pickle global in a .bin (never executed).</exception>
    public static Dictionary<string, Tensor> load_checkpoint(string pathOrFolder)
    {
        using var checkpoint = Checkpoint.Open(pathOrFolder);
        return ToTensors(checkpoint);
    }

    private static Dictionary<string, Tensor> ToTensors(ICheckpoint checkpoint)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var info in checkpoint.Tensors)
                result[info.Name] = from_bytes(checkpoint.GetBytes(info.Name), info.DType, info.Shape).DetachFromDisposeScope();
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>Writes <paramref name="tensors"/> (any device, any supported dtype) to a safetensors file atomically.</summary>
    public static void save_safetensors(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var writer = new SafeTensorsWriter();
        foreach (var (name, t) in tensors)
            writer.AddRaw(name, t.dtype.ToSafeTensor(), t.bytes(), t.shape);
        if (metadata is not null)
            foreach (var (k, v) in metadata) writer.Metadata[k] = v;
        writer.Save(path);
    }
}
