using System.Text.Json;

namespace BlairClip.ML.IO;

/// <summary>A checkpoint split over several files, described by a Hugging Face index
/// (<c>model.safetensors.index.json</c> or <c>pytorch_model.bin.index.json</c>):
/// <c>{"metadata": {"total_size": bytes}, "weight_map": {tensor name: shard file name}}</c>, shard files beside
/// the index. The weight map is authoritative: tensors a shard holds but the map does not name are not exposed.</summary>
public sealed class ShardedCheckpoint : ICheckpoint
{
    private readonly List<ICheckpoint> _shards;
    private readonly Dictionary<string, (ICheckpoint Shard, CheckpointTensorInfo Info)> _byName;
    private readonly List<CheckpointTensorInfo> _tensors;

    private ShardedCheckpoint(string source, List<ICheckpoint> shards, List<(string Name, ICheckpoint Shard)> map)
    {
        Source = source; _shards = shards;
        _byName = new(StringComparer.Ordinal);
        _tensors = new List<CheckpointTensorInfo>(map.Count);
        foreach (var (name, shard) in map)
        {
            var info = shard.Info(name);
            _byName[name] = (shard, info);
            _tensors.Add(info);
        }
    }

    /// <inheritdoc/>
    public string Source { get; }

    /// <summary>The tensors of the weight map, in its order.</summary>
    public IReadOnlyList<CheckpointTensorInfo> Tensors => _tensors;

    /// <summary>Opens the index at <paramref name="indexPath"/> and every shard it names.</summary>
    /// <exception cref="CheckpointFormatException">Index is not JSON or lacks a weight_map of strings; a tensor
    /// named in the index is absent from its shard.</exception>
    /// <exception cref="FileNotFoundException">A shard file is missing.</exception>
    public static ShardedCheckpoint Open(string indexPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        var map = ReadWeightMap(indexPath);
        var shards = new Dictionary<string, ICheckpoint>(StringComparer.Ordinal);
        try
        {
            var entries = new List<(string, ICheckpoint)>(map.Count);
            foreach (var (name, file) in map)
            {
                if (!shards.TryGetValue(file, out var shard))
                {
                    var shardPath = Path.Combine(folder, file);
                    if (!File.Exists(shardPath))
                        throw new FileNotFoundException(
                            $"{indexPath}: shard '{file}' (holding tensor '{name}') does not exist in {folder}.", shardPath);
                    shard = Checkpoint.OpenFile(shardPath);
                    shards[file] = shard;
                }
                if (!shard.Contains(name))
                    throw new CheckpointFormatException(
                        $"{indexPath}: tensor '{name}' is mapped to shard '{file}', but {shard.Source} has no such tensor " +
                        $"(it has {shard.Tensors.Count}: {CheckpointNames.Sample(shard.Tensors.Select(t => t.Name))}).");
                entries.Add((name, shard));
            }
            return new ShardedCheckpoint(indexPath, shards.Values.ToList(), entries);
        }
        catch
        {
            foreach (var s in shards.Values) s.Dispose();
            throw;
        }
    }

    private static List<(string Name, string File)> ReadWeightMap(string indexPath)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllBytes(indexPath)); }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{indexPath}: index is not valid JSON ({e.Message}).");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("weight_map", out var weightMap)
                || weightMap.ValueKind != JsonValueKind.Object)
                throw new CheckpointFormatException($"{indexPath}: expected an object with a \"weight_map\" object (tensor name → shard file).");
            var result = new List<(string, string)>();
            foreach (var p in weightMap.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                    throw new CheckpointFormatException($"{indexPath}: weight_map['{p.Name}'] must be a shard file name, but is {p.Value.GetRawText()}.");
                var file = p.Value.GetString()!;
                if (file.Length == 0 || Path.IsPathRooted(file) || file.Contains("..") || file.IndexOfAny(['/', '\\']) >= 0)
                    throw new CheckpointFormatException($"{indexPath}: weight_map['{p.Name}'] = '{file}' must be a file name beside the index.");
                if (file.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase))
                    throw new CheckpointFormatException($"{indexPath}: weight_map['{p.Name}'] = '{file}' names an index, expected a .safetensors or .bin shard.");
                result.Add((p.Name, file));
            }
            if (result.Count == 0) throw new CheckpointFormatException($"{indexPath}: weight_map is empty.");
            return result;
        }
    }

    /// <inheritdoc/>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <inheritdoc/>
    public CheckpointTensorInfo Info(string name) => Find(name).Info;

    /// <inheritdoc/>
    public ReadOnlySpan<byte> GetBytes(string name) => Find(name).Shard.GetBytes(name);

    /// <inheritdoc/>
    public float[] GetSingle(string name) => Find(name).Shard.GetSingle(name);

    private (ICheckpoint Shard, CheckpointTensorInfo Info) Find(string name) =>
        _byName.TryGetValue(name, out var e) ? e
            : throw new KeyNotFoundException($"{Source}: no tensor '{name}' (has {_byName.Count}: {CheckpointNames.Sample(_byName.Keys)}).");

    /// <summary>Disposes every shard.</summary>
    public void Dispose()
    {
        foreach (var s in _shards) s.Dispose();
    }
}
