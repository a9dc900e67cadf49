using System.Text.Json.Nodes;
using BlairClip.ML.IO;

namespace BlairClip.ML.Models;

/// <summary>Marks a transformer that can be saved into and loaded from a model zip. The class implements
/// <see cref="IModelEntry"/> and has a <c>public static T LoadEntry(EntryReader reader)</c> method. <see cref="Signature"/> is stored in the entry
/// and picks the loader; <see cref="Version"/> is the entry layout this code writes.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ModelEntryAttribute(string signature, int version) : Attribute
{
    public string Signature { get; } = signature;
    public int Version { get; } = version;
}

/// <summary>A fitted step that writes its state as an entry of our model zips (the part of the zip ML.NET does not read).</summary>
public interface IModelEntry
{
    /// <summary>Writes this step's entry.</summary>
    void SaveEntry(EntryWriter writer);
}

/// <summary>What a transformer writes for its entry: <see cref="Properties"/> (JSON: options, sizes, ids) and
/// <see cref="Tensors"/> (arrays, safetensors). <see cref="MinReadableVersion"/> is the oldest reader layout
/// that can still read what is written (raise it when an old reader would misread the entry).</summary>
public sealed class EntryWriter
{
    public JsonObject Properties { get; } = new();
    public SafeTensorsWriter Tensors { get; } = new();
    public int? MinReadableVersion { get; set; }
}

/// <summary>What a loader reads: the entry's properties and tensors, and the layout version it was written with.</summary>
public sealed class EntryReader(string entry, int versionWritten, JsonObject properties, SafeTensorsFile tensors)
{
    /// <summary>Zip path of the entry, for error messages.</summary>
    public string Entry { get; } = entry;
    public int VersionWritten { get; } = versionWritten;
    public JsonObject Properties { get; } = properties;
    public SafeTensorsFile Tensors { get; } = tensors;

    /// <summary>Property <paramref name="name"/> as <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidDataException">Missing or of another type; the message names entry and key.</exception>
    public T Get<T>(string name)
    {
        try
        {
            if (Properties[name] is { } node) return node.GetValue<T>();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{Entry}: property '{name}' is not a {typeof(T).Name}: {e.Message}");
        }
        throw new InvalidDataException($"{Entry}: missing property '{name}'.");
    }
}
