using System.Runtime.InteropServices;
using System.Security.Cryptography;
using BlairClip.ML.IO;

namespace BlairClip.Towers.Encoding;

/// <summary>Embeddings computed earlier, on disk, so that a second run of a study re-encodes nothing.
/// <para>One file per cache key, <c>{directory}/{key}.safetensors</c>; the key (<see cref="CheckpointFingerprint.Key"/>)
/// covers everything that changes an embedding besides the item itself: the checkpoint's weights, the tower kind, the
/// preprocessing files and settings, and the dtype. Within a file a row is found by the SHA-256 of the item's content
/// (a text's UTF-8 bytes or an image file's bytes). Layout v1: tensors <c>hashes</c> U8 [rows, 32],
/// <c>embeddings</c> F32 [rows, dim], <c>unreadable</c> U8 [rows] (1: the image could not be decoded and the row is the
/// black image's embedding); metadata <c>format</c> = "blairclip-embedding-cache/1", <c>key</c>.</para>
/// <para>Not shared between threads. Writes are atomic (<see cref="AtomicFile"/>); when two processes write the same
/// key, the last rename wins and the other's new rows are encoded again next time.</para></summary>
public sealed class EmbeddingCache
{
    private const string Format = "blairclip-embedding-cache/1";
    private readonly Dictionary<Hash, int> _rows = new();
    private readonly List<float> _values = new();
    private readonly List<bool> _unreadable = new();
    private int _added;

    /// <summary>Opens (or starts) the cache file of <paramref name="key"/> in <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a cache file of this layout and key.</exception>
    public EmbeddingCache(string directory, string key)
    {
        Key = key;
        FilePath = Path.Combine(Path.GetFullPath(directory), key + ".safetensors");
        if (File.Exists(FilePath)) Read();
    }

    /// <summary>The cache file.</summary>
    public string FilePath { get; }
    public string Key { get; }
    /// <summary>Row width; null until the first row is known.</summary>
    public int? Dimension { get; private set; }
    /// <summary>Rows held (read plus added).</summary>
    public int Count => _rows.Count;

    /// <summary><c>$BLAIRCLIP_CACHE</c> when set, else <c>.blairclip-cache/embeddings</c> under the current directory.</summary>
    public static string DefaultDirectory() =>
        Environment.GetEnvironmentVariable("BLAIRCLIP_CACHE") is { Length: > 0 } env
            ? Path.GetFullPath(env)
            : Path.Combine(Directory.GetCurrentDirectory(), ".blairclip-cache", "embeddings");

    /// <summary>SHA-256 of <paramref name="content"/>: the per-item key.</summary>
    public static Hash HashOf(ReadOnlySpan<byte> content) => Hash.From(SHA256.HashData(content));

    /// <summary>Copies the row of <paramref name="item"/> into <paramref name="destination"/> ([Dimension]).</summary>
    /// <returns>False when the item is not cached; otherwise true and whether its image was unreadable.</returns>
    public bool TryGet(Hash item, Span<float> destination, out bool unreadable)
    {
        unreadable = false;
        if (!_rows.TryGetValue(item, out int row)) return false;
        int d = Dimension!.Value;
        CollectionsMarshal.AsSpan(_values).Slice(row * d, d).CopyTo(destination);
        unreadable = _unreadable[row];
        return true;
    }

    /// <summary>Adds (or replaces) the row of <paramref name="item"/>.</summary>
    /// <exception cref="ArgumentException">The row's length differs from <see cref="Dimension"/>.</exception>
    public void Put(Hash item, ReadOnlySpan<float> embedding, bool unreadable = false)
    {
        Dimension ??= embedding.Length;
        if (embedding.Length != Dimension)
            throw new ArgumentException($"{FilePath}: rows have {Dimension} values, this one has {embedding.Length}.");
        if (_rows.TryGetValue(item, out int row))
        {
            embedding.CopyTo(CollectionsMarshal.AsSpan(_values).Slice(row * embedding.Length, embedding.Length));
            _unreadable[row] = unreadable;
        }
        else
        {
            _rows.Add(item, _rows.Count);
            _values.AddRange(embedding);
            _unreadable.Add(unreadable);
        }
        _added++;
    }

    /// <summary>Writes the file atomically when rows were added since it was opened; otherwise does nothing.</summary>
    public void Save()
    {
        if (_added == 0 || Dimension is not { } d) return;
        var hashes = new byte[_rows.Count * 32];
        foreach (var (hash, row) in _rows) hash.CopyTo(hashes.AsSpan(row * 32, 32));
        var writer = new SafeTensorsWriter();
        writer.Metadata["format"] = Format;
        writer.Metadata["key"] = Key;
        writer.Add<byte>("hashes", hashes, _rows.Count, 32);
        writer.Add<float>("embeddings", CollectionsMarshal.AsSpan(_values), _rows.Count, d);
        writer.Add<byte>("unreadable", _unreadable.Select(u => (byte)(u ? 1 : 0)).ToArray(), _rows.Count);
        writer.Save(FilePath);
        _added = 0;
    }

    private void Read()
    {
        using var file = SafeTensorsFile.Load(FilePath);
        if (!file.Metadata.TryGetValue("format", out var format) || format != Format)
            throw new InvalidDataException($"{FilePath}: not an embedding cache of layout '{Format}' (format: '{format}'); delete it.");
        if (!file.Metadata.TryGetValue("key", out var key) || key != Key)
            throw new InvalidDataException($"{FilePath}: holds key '{key}', expected '{Key}' (the file name); delete it.");
        var shape = file.Info("embeddings").Shape;
        var hashes = file.Get<byte>("hashes");
        var values = file.Get<float>("embeddings");
        var unreadable = file.Get<byte>("unreadable");
        int rows = (int)shape[0], d = (int)shape[1];
        if (hashes.Length != rows * 32 || unreadable.Length != rows)
            throw new InvalidDataException($"{FilePath}: {rows} embeddings but {hashes.Length / 32} hashes and {unreadable.Length} flags; delete it.");
        Dimension = d;
        _values.AddRange(values);
        for (int r = 0; r < rows; r++)
        {
            _rows[Hash.From(hashes.AsSpan(r * 32, 32))] = r;
            _unreadable.Add(unreadable[r] != 0);
        }
    }

    /// <summary>A 32-byte SHA-256 value usable as a dictionary key.</summary>
    public readonly record struct Hash(ulong A, ulong B, ulong C, ulong D)
    {
        public static Hash From(ReadOnlySpan<byte> bytes32)
        {
            var u = MemoryMarshal.Cast<byte, ulong>(bytes32[..32]);
            return new Hash(u[0], u[1], u[2], u[3]);
        }

        public void CopyTo(Span<byte> destination)
        {
            ReadOnlySpan<ulong> words = [A, B, C, D];
            MemoryMarshal.AsBytes(words).CopyTo(destination);
        }
    }
}
