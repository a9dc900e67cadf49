using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BlairClip.ML.Experiments.Yaml;

/// <summary>A parsed YAML file (study or pipeline): its root mapping, its path and folder (relative paths in it are
/// resolved against <see cref="Directory"/>), and a <see cref="YamlBinder"/> whose errors name the file.</summary>
public sealed class SpecDocument
{
    private SpecDocument(string path, YamlMappingNode root)
    {
        Path = path; Root = root; Binder = new YamlBinder(path);
    }

    public string Path { get; }
    public string Directory => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
    public YamlMappingNode Root { get; }
    public YamlBinder Binder { get; }

    /// <summary>Reads and parses <paramref name="path"/>.</summary>
    /// <exception cref="SpecException">Missing file, YAML syntax error (with line and column), or a root that is not a mapping.</exception>
    public static SpecDocument Load(string path)
    {
        if (!File.Exists(path)) throw new SpecException(path, null, "file not found.");
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    public static SpecDocument Parse(TextReader text, string path)
    {
        var stream = new YamlStream();
        var parser = new TrackingParser(new Parser(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            throw new SpecException(path, e.Start, $"YAML syntax error: {Inner(e)}", e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this (without a position) on some malformed input; report where parsing stopped.
            throw new SpecException(path, parser.LastGood, "YAML syntax error: the document cannot be parsed past this point (unclosed bracket or quote?)", e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new SpecException(path, null, "expected a mapping of keys at the top level.");
        return new SpecDocument(path, root);
    }

    /// <summary>Remembers the end of the last event parsed, to place errors the scanner raises without a position.</summary>
    private sealed class TrackingParser(IParser inner) : IParser
    {
        public Mark? LastGood { get; private set; }
        public YamlDotNet.Core.Events.ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (inner.Current is { } c) LastGood = c.End;
            return inner.MoveNext();
        }
    }

    private static string Inner(YamlException e)
    {
        var msg = e.InnerException is YamlException inner ? inner.Message : e.Message;
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: …) - (…): "; we already print the position.
        int cut = msg.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 ? msg[(cut + 3)..] : msg;
    }

    /// <summary>Resolves <paramref name="relative"/> against this file's folder.</summary>
    public string Resolve(string relative) => System.IO.Path.GetFullPath(System.IO.Path.Combine(Directory, relative));

    /// <summary>The value node at <paramref name="key"/> of the root mapping, or null.</summary>
    public YamlNode? this[string key] => Root.Children.TryGetValue(new YamlScalarNode(key), out var n) ? n : null;

    /// <summary>Applies a <c>--set key.path=value</c> override: dotted keys walk mappings, <c>[n]</c> or a list item's
    /// <c>name</c> picks list items (e.g. <c>models.BPR-MF.params.epochs=5</c>, <c>models[2].params.epochs=5</c>);
    /// the value is parsed as YAML (so <c>metrics=[MRR]</c> works). Missing mapping keys are created.</summary>
    /// <exception cref="SpecException">Malformed override or a path that does not exist.</exception>
    public void ApplyOverride(string assignment)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0) throw new SpecException(Path, null, $"--set '{assignment}' must look like key.path=value.");
        var keyPath = assignment[..eq].Trim();
        YamlNode value;
        try
        {
            var ys = new YamlStream();
            ys.Load(new StringReader("v: " + assignment[(eq + 1)..]));
            value = ((YamlMappingNode)ys.Documents[0].RootNode).Children[new YamlScalarNode("v")];
        }
        catch (YamlException e)
        {
            throw new SpecException(Path, null, $"--set {keyPath}: value is not valid YAML: {Inner(e)}", e);
        }

        var parts = Tokenize(keyPath);
        YamlNode node = Root;
        for (int i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            bool last = i == parts.Count - 1;
            switch (node)
            {
                case YamlMappingNode map:
                    var key = new YamlScalarNode(part);
                    if (last) { map.Children[key] = value; return; }
                    if (!map.Children.TryGetValue(key, out var next))
                        map.Children[key] = next = new YamlMappingNode();
                    node = next;
                    break;
                case YamlSequenceNode seq:
                    int index = int.TryParse(part, out var n) ? n
                        : seq.Children.ToList().FindIndex(c => c is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("name"), out var nm) && nm is YamlScalarNode s && s.Value == part);
                    if (index < 0 || index >= seq.Children.Count)
                        throw new SpecException(Path, seq.Start, $"--set {keyPath}: no list item '{part}'.");
                    if (last) { seq.Children[index] = value; return; }
                    node = seq.Children[index];
                    break;
                default:
                    throw new SpecException(Path, node.Start, $"--set {keyPath}: '{part}' is below a plain value.");
            }
        }
    }

    private static List<string> Tokenize(string keyPath)
    {
        var parts = new List<string>();
        foreach (var dotted in keyPath.Split('.'))
        {
            var rest = dotted;
            int b = rest.IndexOf('[');
            if (b < 0) { parts.Add(rest); continue; }
            if (b > 0) parts.Add(rest[..b]);
            foreach (var idx in rest[b..].Split('[', StringSplitOptions.RemoveEmptyEntries)) parts.Add(idx.TrimEnd(']'));
        }
        return parts;
    }
}
