using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BlairClip.ML.Experiments.Yaml;

/// <summary>Binds YAML nodes to options records: each public settable/init property is a snake_case key; keys not
/// given keep the record's defaults (declared only in the record); <c>required</c> properties must be present.
/// An unknown key, a wrong type or a missing required key is a <see cref="SpecException"/> naming file, line,
/// column and key path. Supports string, bool, integers, floats, enums (snake_case names), nullable, lists/arrays,
/// string-keyed dictionaries, nested records, and <see cref="YamlNode"/> (kept raw).</summary>
public sealed class YamlBinder(string file)
{
    public string File { get; } = file;

    /// <summary>Binds <paramref name="node"/> to a new <typeparamref name="T"/>; <paramref name="path"/> names it in errors.</summary>
    public T Bind<T>(YamlNode? node, string path) => (T)Bind(typeof(T), node, path)!;

    public object? Bind(Type type, YamlNode? node, string path)
    {
        if (node is null || IsNull(node))
        {
            if (!type.IsValueType || Nullable.GetUnderlyingType(type) is not null) return null;
            throw Error(node, $"'{path}' must not be empty.");
        }
        if (typeof(YamlNode).IsAssignableFrom(type))
            return type.IsInstanceOfType(node) ? node
                : throw Error(node, $"'{path}' must be a {(type == typeof(YamlMappingNode) ? "mapping of keys to values" : type == typeof(YamlSequenceNode) ? "list" : "value")}.");
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null) return Bind(underlying, node, path);
        if (type == typeof(string)) return Scalar(node, path, "a string");
        if (type == typeof(bool))
            return Scalar(node, path, "true or false") switch
            {
                "true" or "True" or "yes" => true,
                "false" or "False" or "no" => false,
                var s => throw Error(node, $"'{path}' must be true or false, but was '{s}'."),
            };
        if (type == typeof(int) || type == typeof(long))
        {
            var s = Scalar(node, path, "an integer");
            if (!long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || (type == typeof(int) && v is < int.MinValue or > int.MaxValue))
                throw Error(node, $"'{path}' must be an integer, but was '{s}'.");
            return type == typeof(int) ? (object)(int)v : v;
        }
        if (type == typeof(double) || type == typeof(float))
        {
            var s = Scalar(node, path, "a number");
            if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                throw Error(node, $"'{path}' must be a number, but was '{s}'.");
            return type == typeof(float) ? (object)(float)v : v;
        }
        if (type.IsEnum) return BindEnum(type, node, path);
        if (type.IsArray) return ToArray(type.GetElementType()!, BindList(type.GetElementType()!, node, path));
        if (type.IsGenericType)
        {
            var def = type.GetGenericTypeDefinition();
            var args = type.GetGenericArguments();
            if (def == typeof(List<>) || def == typeof(IReadOnlyList<>) || def == typeof(IList<>) || def == typeof(IEnumerable<>) || def == typeof(IReadOnlyCollection<>))
            {
                var list = BindList(args[0], node, path);
                return def == typeof(List<>) ? list : ToArray(args[0], list);
            }
            if ((def == typeof(Dictionary<,>) || def == typeof(IReadOnlyDictionary<,>) || def == typeof(IDictionary<,>)) && args[0] == typeof(string))
            {
                var map = Mapping(node, path);
                var dict = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), args[1]))!;
                foreach (var (k, v) in map.Children)
                {
                    var key = ((YamlScalarNode)k).Value!;
                    dict[key] = Bind(args[1], v, $"{path}.{key}");
                }
                return dict;
            }
        }
        return BindObject(type, node, path);
    }

    /// <summary>The snake_case keys <paramref name="type"/> accepts.</summary>
    public static IReadOnlyList<string> KeysOf(Type type) => Settable(type).Select(p => SnakeCase.From(p.Name)).ToList();

    private object BindObject(Type type, YamlNode node, string path)
    {
        var map = Mapping(node, path);
        var ctor = type.GetConstructor(Type.EmptyTypes)
            ?? throw new InvalidOperationException($"{type.Name} needs a parameterless constructor to bind from YAML.");
        var obj = ctor.Invoke(null);
        var props = Settable(type).ToDictionary(p => SnakeCase.From(p.Name), StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            var key = Scalar(k, path, "a key");
            if (!props.TryGetValue(key, out var prop))
                throw Error(k, $"unknown key '{key}' in '{path}' (known: {string.Join(", ", props.Keys)}).");
            if (!seen.Add(key)) throw Error(k, $"key '{key}' appears twice in '{path}'.");
            prop.SetValue(obj, Bind(prop.PropertyType, v, Join(path, key)));
        }
        foreach (var (key, prop) in props)
            if (!seen.Contains(key) && prop.GetCustomAttribute<RequiredMemberAttribute>() is not null)
                throw Error(node, $"'{path}' is missing required key '{key}'.");
        return obj;
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    private object BindEnum(Type type, YamlNode node, string path)
    {
        var s = Scalar(node, path, "a name");
        foreach (var name in Enum.GetNames(type))
            if (string.Equals(SnakeCase.From(name), s, StringComparison.OrdinalIgnoreCase) || string.Equals(name, s, StringComparison.OrdinalIgnoreCase))
                return Enum.Parse(type, name);
        throw Error(node, $"'{path}' must be one of {string.Join(" | ", Enum.GetNames(type).Select(SnakeCase.From))}, but was '{s}'.");
    }

    private IList BindList(Type element, YamlNode node, string path)
    {
        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
        if (node is YamlScalarNode && element == typeof(string))
        {
            list.Add(Scalar(node, path, "a string"));
            return list;
        }
        if (node is not YamlSequenceNode seq) throw Error(node, $"'{path}' must be a list.");
        int i = 0;
        foreach (var child in seq.Children) list.Add(Bind(element, child, $"{path}[{i++}]"));
        return list;
    }

    private static Array ToArray(Type element, IList list)
    {
        var array = Array.CreateInstance(element, list.Count);
        list.CopyTo(array, 0);
        return array;
    }

    private YamlMappingNode Mapping(YamlNode node, string path) =>
        node as YamlMappingNode ?? throw Error(node, $"'{path}' must be a mapping of keys to values.");

    private string Scalar(YamlNode node, string path, string what) =>
        node is YamlScalarNode { Value: { } v } ? v : throw Error(node, $"'{path}' must be {what}, but is a {Describe(node)}.");

    private static string Describe(YamlNode n) => n switch { YamlMappingNode => "mapping", YamlSequenceNode => "list", _ => "value" };

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: not ScalarStyle.SingleQuoted and not ScalarStyle.DoubleQuoted } s
        && (s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>An error at <paramref name="node"/>'s position.</summary>
    public SpecException Error(YamlNode? node, string message) => new(File, node?.Start, message);
}
