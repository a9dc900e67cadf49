using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BlairClip.ML.IO;

namespace BlairClip.Towers.Encoding;

/// <summary>A checkpoint as a saved model refers to it: the folder it was loaded from and the SHA-256 of its weight
/// files (<see cref="CheckpointFingerprint.WeightsSha256"/>), so a reader can tell whether a folder still holds the
/// weights the embeddings came from without the embeddings needing it.</summary>
/// <param name="Path">Absolute folder path at encoding time.</param>
/// <param name="Sha256">Lower-case hex SHA-256 over the weight files.</param>
public sealed record CheckpointReference(string Path, string Sha256)
{
    /// <summary>The reference of the checkpoint folder <paramref name="dir"/> (made absolute; its weights hashed).</summary>
    public static CheckpointReference Of(string dir)
    {
        var full = System.IO.Path.GetFullPath(dir);
        return new(full, CheckpointFingerprint.WeightsSha256(full));
    }
}

/// <summary>Content hashes of a Hugging Face checkpoint folder: what identifies the weights (for the embedding cache
/// key and the saved model's checkpoint reference) and the preprocessing files.</summary>
public static class CheckpointFingerprint
{
    // A folder's weights are hashed once per process per (file, size, mtime): hashing a 1.7 GB CLIP-L file costs ~1 s.
    private static readonly ConcurrentDictionary<(string, long, DateTime), string> FileHashes = new();

    /// <summary>The files holding <paramref name="checkpointDir"/>'s weights, in the preference order of
    /// <see cref="Checkpoint.FolderFiles"/> (the first present wins); for a sharded checkpoint, the index followed by
    /// its shards in name order.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">No weight file, or a shard named by the index is missing.</exception>
    public static IReadOnlyList<string> WeightFiles(string checkpointDir)
    {
        if (!Directory.Exists(checkpointDir))
            throw new DirectoryNotFoundException($"checkpoint folder {checkpointDir} does not exist.");
        foreach (var name in Checkpoint.FolderFiles)
        {
            var path = System.IO.Path.Combine(checkpointDir, name);
            if (!File.Exists(path)) continue;
            if (!name.EndsWith(".index.json", StringComparison.Ordinal)) return [path];
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (!doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path}: expected an object 'weight_map' (tensor name → shard file).");
            var shards = map.EnumerateObject().Select(p => p.Value.GetString() ?? "").Distinct().Order(StringComparer.Ordinal).ToList();
            var files = new List<string> { path };
            foreach (var shard in shards)
            {
                var shardPath = System.IO.Path.Combine(checkpointDir, shard);
                if (!File.Exists(shardPath))
                    throw new FileNotFoundException($"{path} names shard '{shard}', which is not in {checkpointDir}.", shardPath);
                files.Add(shardPath);
            }
            return files;
        }
        throw new FileNotFoundException(
            $"checkpoint folder {checkpointDir} has no weights: looked for {string.Join(", ", Checkpoint.FolderFiles)}.");
    }

    /// <summary>SHA-256 (hex) over the weight files: for each file in <see cref="WeightFiles"/> order, its name,
    /// a NUL, and the SHA-256 of its bytes. Renaming the folder does not change it; changing any weight does.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">No weight file.</exception>
    public static string WeightsSha256(string checkpointDir) => Combine(WeightFiles(checkpointDir));

    /// <summary>SHA-256 (hex) over those of <paramref name="names"/> that exist in <paramref name="checkpointDir"/>
    /// (name, NUL, file hash each; absent files contribute their name and "absent"), e.g. the tokenizer files.</summary>
    public static string FilesSha256(string checkpointDir, IEnumerable<string> names) =>
        Combine(names.Select(n => System.IO.Path.Combine(checkpointDir, n)), allowMissing: true);

    /// <summary>SHA-256 (hex) of <paramref name="parts"/>, each length-prefixed so that ("ab","c") ≠ ("a","bc").</summary>
    public static string Key(params string[] parts)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> len = stackalloc byte[4];
        foreach (var part in parts)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(part);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(len, bytes.Length);
            sha.AppendData(len);
            sha.AppendData(bytes);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static string Combine(IEnumerable<string> files, bool allowMissing = false)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(System.IO.Path.GetFileName(file) + "\0"));
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(allowMissing && !File.Exists(file) ? "absent" : FileSha256(file)));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>SHA-256 (hex) of one file's bytes, remembered per (path, size, modification time).</summary>
    public static string FileSha256(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{path}: no such file.", path);
        return FileHashes.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), _ =>
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
    }
}
