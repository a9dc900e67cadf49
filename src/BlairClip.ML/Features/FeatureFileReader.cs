using System.Globalization;
using BlairClip.ML.Data;
using BlairClip.ML.IO;

namespace BlairClip.ML.Features;

/// <summary>A feature matrix as read from disk: one id per row and the rows <c>[Ids.Count, Dimension]</c> row-major.
/// <see cref="IdFile"/> and <see cref="IdLines"/> locate each id for error messages (null lines: row i is line i + 1).</summary>
public sealed record FeatureFile(IReadOnlyList<string> Ids, int Dimension, float[] Values, string IdFile, int[]? IdLines = null)
{
    /// <summary>1-based line of row <paramref name="row"/>'s id in <see cref="IdFile"/>.</summary>
    public int LineOf(int row) => IdLines?[row] ?? row + 1;
}

/// <summary>Reads the feature files of <see cref="ItemFeatureSpec"/>: safetensors (F32/F16/BF16/F64 2-d tensor) or npy
/// (float32/float64) with an ids file, or CSV <c>id,v1,…,vD</c>.</summary>
public static class FeatureFileReader
{
    /// <summary>Reads <paramref name="spec"/>'s files, resolving paths against <paramref name="baseDirectory"/>.</summary>
    /// <exception cref="DataFormatException">A malformed file: the message names the file, the line and the problem
    /// (a CSV line of the wrong width, an ids count that differs from the row count, a bad npy header, a duplicate id).</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="ArgumentException">An unknown tensor name, or <c>ids</c> given for CSV / missing for binary
    /// formats; the message names the key.</exception>
    public static FeatureFile Read(ItemFeatureSpec spec, string baseDirectory)
    {
        var path = Path.GetFullPath(Path.Combine(baseDirectory, spec.Path));
        if (!File.Exists(path)) throw new FileNotFoundException($"item_features '{spec.Name}': path '{spec.Path}' not found (looked at {path}).", path);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".csv")
        {
            if (spec.Ids is not null)
                throw new ArgumentException($"item_features '{spec.Name}': 'ids' is not used with CSV ({spec.Path}), whose first column holds the ids.");
            return ReadCsv(path, spec.Path);
        }
        if (spec.Ids is null)
            throw new ArgumentException($"item_features '{spec.Name}': '{spec.Path}' needs an 'ids' file naming each row's item.");
        var idsPath = Path.GetFullPath(Path.Combine(baseDirectory, spec.Ids));
        if (!File.Exists(idsPath)) throw new FileNotFoundException($"item_features '{spec.Name}': ids '{spec.Ids}' not found (looked at {idsPath}).", idsPath);
        var (rows, dim, values) = ext switch
        {
            ".npy" => NpyReader.Read(path, spec.Path),
            ".safetensors" => ReadSafeTensors(path, spec),
            _ => throw new ArgumentException($"item_features '{spec.Name}': path '{spec.Path}' must end in .safetensors, .npy or .csv."),
        };
        var ids = ReadIds(idsPath, spec.Ids);
        if (ids.Count != rows)
            throw new DataFormatException(spec.Ids, ids.Count, $"the ids file has {ids.Count} ids, but {spec.Path} has {rows} rows");
        return new FeatureFile(ids, dim, values, spec.Ids);
    }

    private static (int, int, float[]) ReadSafeTensors(string path, ItemFeatureSpec spec)
    {
        using var file = SafeTensorsFile.Open(path);
        var name = spec.Tensor;
        if (name is null)
        {
            if (file.Tensors.Count != 1)
                throw new ArgumentException($"item_features '{spec.Name}': {spec.Path} holds {file.Tensors.Count} tensors ({string.Join(", ", file.Tensors.Select(t => t.Name))}); set 'tensor' to pick one.");
            name = file.Tensors[0].Name;
        }
        else if (!file.Contains(name))
            throw new ArgumentException($"item_features '{spec.Name}': 'tensor' is '{name}', but {spec.Path} holds only {string.Join(", ", file.Tensors.Select(t => t.Name))}.");
        var shape = file.Info(name).Shape;
        if (shape.Length != 2 || shape[1] <= 0 || shape[0] > int.MaxValue || shape[1] > int.MaxValue)
            throw new DataFormatException(spec.Path, 1, $"tensor '{name}' must be 2-d [items, dim], but has shape [{string.Join(", ", shape)}]");
        return ((int)shape[0], (int)shape[1], file.GetSingle(name));
    }

    /// <summary>One id per line; blank lines are errors except at the end.</summary>
    private static List<string> ReadIds(string path, string name)
    {
        var lines = File.ReadAllLines(path);
        int n = lines.Length;
        while (n > 0 && lines[n - 1].Trim().Length == 0) n--;
        var ids = new List<string>(n);
        for (int i = 0; i < n; i++)
        {
            var id = lines[i].Trim();
            if (id.Length == 0) throw new DataFormatException(name, i + 1, "empty id line");
            ids.Add(id);
        }
        return ids;
    }

    /// <summary>CSV <c>id,v1,…,vD</c>; the first line is a header when none of its value fields parses as a number.</summary>
    private static FeatureFile ReadCsv(string path, string name)
    {
        var ids = new List<string>();
        var lines = new List<int>();
        var values = new List<float>();
        int dim = -1, lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (line.Trim().Length == 0) continue;
            var fields = line.Split(',');
            if (lineNo == 1 && fields.Length > 1 && fields.Skip(1).All(f => !float.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                continue;
            if (fields.Length < 2)
                throw new DataFormatException(name, lineNo, $"expected 'id,v1,v2,…', but the line has no values");
            if (dim < 0) dim = fields.Length - 1;
            else if (fields.Length - 1 != dim)
                throw new DataFormatException(name, lineNo, $"expected {dim} values (as on the first data line), but found {fields.Length - 1}");
            ids.Add(fields[0].Trim());
            lines.Add(lineNo);
            int column = fields[0].Length + 2;
            for (int k = 1; k < fields.Length; k++)
            {
                if (!float.TryParse(fields[k], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new DataFormatException(name, lineNo, $"value {k} must be a number, but was '{fields[k]}'", column);
                values.Add(v);
                column += fields[k].Length + 1;
            }
        }
        if (dim < 0) throw new DataFormatException(name, lineNo, "no feature rows");
        return new FeatureFile(ids, dim, values.ToArray(), name, lines.ToArray());
    }
}
