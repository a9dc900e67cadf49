namespace BlairClip.ML.IO;

/// <summary>Name, element type and shape of one tensor of a checkpoint.</summary>
/// <param name="Shape">Row-major dimensions; empty for a 0-dim (scalar) tensor.</param>
public record CheckpointTensorInfo(string Name, SafeTensorDType DType, long[] Shape)
{
    /// <summary>Product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary><see cref="ElementCount"/> × element size.</summary>
    public long ByteCount => ElementCount * SafeTensorDTypes.SizeOf(DType);
}

/// <summary>Thrown for a checkpoint file that cannot be read as what it claims to be; the message names the
/// file, the tensor or entry, what was expected and what was found.</summary>
public class CheckpointFormatException(string message) : IOException(message);

/// <summary>A read-only set of named tensors loaded from a model checkpoint (safetensors, <c>pytorch_model.bin</c>,
/// or a sharded folder of either). Byte spans stay valid until the checkpoint is disposed. Reads may come from
/// several threads; <see cref="IDisposable.Dispose"/> must not race with them.</summary>
public interface ICheckpoint : IDisposable
{
    /// <summary>The file or folder read, for error messages.</summary>
    string Source { get; }

    /// <summary>All tensors, in file order.</summary>
    IReadOnlyList<CheckpointTensorInfo> Tensors { get; }

    /// <summary>Whether a tensor of that exact name exists.</summary>
    bool Contains(string name);

    /// <summary>Dtype and shape of tensor <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor of that name.</exception>
    CheckpointTensorInfo Info(string name);

    /// <summary>Tensor <paramref name="name"/> as [ElementCount · SizeOf(DType)] little-endian bytes in row-major
    /// (contiguous) order, whatever the layout on disk.</summary>
    /// <exception cref="KeyNotFoundException">No tensor of that name.</exception>
    ReadOnlySpan<byte> GetBytes(string name);

    /// <summary>Tensor <paramref name="name"/> converted to float32, [ElementCount] values (F16/BF16 exact, F64
    /// rounded, integers cast; see <see cref="SafeTensorDTypes.ToSingle(ReadOnlySpan{byte}, SafeTensorDType)"/>).</summary>
    float[] GetSingle(string name);
}

/// <summary>Opens the checkpoint formats published on the Hugging Face Hub.</summary>
public static class Checkpoint
{
    /// <summary>What <see cref="Open"/> looks for in a folder, in order of preference (as <c>from_pretrained</c> does).</summary>
    public static IReadOnlyList<string> FolderFiles { get; } =
        ["model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json"];

    /// <summary>Opens a checkpoint file (<c>.safetensors</c>, memory-mapped; <c>.bin</c>/<c>.pt</c>/<c>.pth</c>,
    /// a <c>torch.save</c> zip; <c>*.index.json</c>, sharded) or a Hugging Face model folder holding one of
    /// <see cref="FolderFiles"/> (the first found wins).</summary>
    /// <exception cref="FileNotFoundException">No such file or folder, a folder with none of <see cref="FolderFiles"/>,
    /// or a shard named by an index that is missing.</exception>
    /// <exception cref="CheckpointFormatException">The file is malformed, has an unsupported extension, or (pickle)
    /// references a global a state dict does not use.</exception>
    public static ICheckpoint Open(string pathOrFolder)
    {
        if (Directory.Exists(pathOrFolder))
        {
            foreach (var candidate in FolderFiles)
            {
                var path = Path.Combine(pathOrFolder, candidate);
                if (File.Exists(path)) return OpenFile(path);
            }
            throw new FileNotFoundException(
                $"{pathOrFolder}: no checkpoint in this folder; looked for {string.Join(", ", FolderFiles)} " +
                $"(found: {CheckpointNames.Sample(Directory.EnumerateFileSystemEntries(pathOrFolder).Select(Path.GetFileName)!)}).");
        }
        if (!File.Exists(pathOrFolder))
            throw new FileNotFoundException($"{pathOrFolder}: no such checkpoint file or folder.", pathOrFolder);
        return OpenFile(pathOrFolder);
    }

    internal static ICheckpoint OpenFile(string path)
    {
        var name = Path.GetFileName(path);
        if (name.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase)) return ShardedCheckpoint.Open(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".safetensors" => SafeTensorsFile.Open(path),
            ".bin" or ".pt" or ".pth" => PyTorchCheckpoint.Open(path),
            var ext => throw new CheckpointFormatException(
                $"{path}: unknown checkpoint extension '{ext}' (expected .safetensors, .bin, .pt, .pth or *.index.json)."),
        };
    }
}

/// <summary>Shortens long name lists in error messages (a real checkpoint has hundreds of tensors).</summary>
internal static class CheckpointNames
{
    public static string Sample(IEnumerable<string> names, int max = 10)
    {
        var list = names.Take(max + 1).ToList();
        return list.Count <= max ? string.Join(", ", list) : string.Join(", ", list.Take(max)) + ", …";
    }
}
