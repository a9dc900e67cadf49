using System.Text.Json;

namespace BlairClip.Towers.Loading;

/// <summary>Typed reads of a Hugging Face <c>config.json</c> object; every error names the file and the key.</summary>
internal sealed class HfConfig
{
    private readonly JsonElement _root;

    private HfConfig(string path, string scope, JsonElement root) => (Path, Scope, _root) = (path, scope, root);

    /// <summary>The file the values come from (for error messages).</summary>
    public string Path { get; }

    /// <summary>"" for the top level, or e.g. "text_config." for a nested object.</summary>
    public string Scope { get; }

    /// <summary>Parses <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a JSON object.</exception>
    public static HfConfig Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Model config '{path}' does not exist.", path);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllBytes(path)); }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: invalid JSON ({e.Message}).", e);
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{path}: expected a JSON object at the top level, but found {doc.RootElement.ValueKind}.");
        return new HfConfig(path, "", doc.RootElement.Clone());
    }

    /// <summary>The nested object <paramref name="key"/>, or null when absent.</summary>
    public HfConfig? Section(string key) =>
        _root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Object ? new HfConfig(Path, Scope + key + ".", v) : null;

    /// <summary>True when <paramref name="key"/> is present and not null.</summary>
    public bool Has(string key) => _root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>Integer <paramref name="key"/>, or <paramref name="fallback"/> when absent.</summary>
    /// <exception cref="InvalidDataException">Absent without fallback, or not an integer.</exception>
    public int Int(string key, int? fallback = null)
    {
        if (!Has(key)) return fallback ?? throw Missing(key, "an integer");
        var v = _root.GetProperty(key);
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i))
            throw new InvalidDataException($"{Path}: key '{Scope}{key}' must be an integer, but was {v.GetRawText()}.");
        return i;
    }

    /// <summary>Number <paramref name="key"/>, or <paramref name="fallback"/> when absent.</summary>
    public double Double(string key, double? fallback = null)
    {
        if (!Has(key)) return fallback ?? throw Missing(key, "a number");
        var v = _root.GetProperty(key);
        if (v.ValueKind != JsonValueKind.Number)
            throw new InvalidDataException($"{Path}: key '{Scope}{key}' must be a number, but was {v.GetRawText()}.");
        return v.GetDouble();
    }

    /// <summary>String <paramref name="key"/>, or <paramref name="fallback"/> when absent.</summary>
    public string String(string key, string? fallback = null)
    {
        if (!Has(key)) return fallback ?? throw Missing(key, "a string");
        var v = _root.GetProperty(key);
        if (v.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"{Path}: key '{Scope}{key}' must be a string, but was {v.GetRawText()}.");
        return v.GetString()!;
    }

    /// <summary>Throws unless <paramref name="value"/> is positive.</summary>
    public int Positive(string key, int value) => value > 0 ? value
        : throw new InvalidDataException($"{Path}: key '{Scope}{key}' must be positive, but was {value}.");

    private InvalidDataException Missing(string key, string what) =>
        new($"{Path}: key '{Scope}{key}' is required ({what}) but absent.");
}
