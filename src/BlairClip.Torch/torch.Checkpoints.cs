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
        var file = SafeTensorsFile.Load(path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var info in file.Tensors.OrderBy(i => i.Begin))
            result[info.Name] = from_bytes(file.GetBytes(info.Name), info.DType, info.Shape).DetachFromDisposeScope();
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
