using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using BlairClip.ML.Core;
using BlairClip.ML.IO;

namespace BlairClip.ML.Models;

/// <summary>Saves and loads <see cref="RecommenderModel"/> zips. A model zip is an ML.NET zip: plain
/// <c>MLContext.Model.Load</c> reads the ML.NET chain of <see cref="MLNetScoring"/> from it (and ignores the rest);
/// this class reads the rest (histories, titles, the pipeline's transformers) for <c>recommend</c>, <c>evaluate</c>
/// and fold-in of new users.
/// <para>Layout (format version 2; version 1 lacked the ML.NET entries):</para>
/// <code>
/// model.json                         {"format":"blairclip.model","format_version":2,"min_reader_version":1,
///                                     "mlnet":{"input":["UserId","ItemId"],"output":"Score"},
///                                     "name","pipeline","input_schema":{"items":[{name,type}],"interactions":[…]},
///                                     "transformers":[{"entry":"transformers/00-X/","signature":"X"}]}
/// catalog.safetensors                histories: "history_offsets" I32 [users+1], "history_items" I32 [n]
/// items.tsv                          one line per item index: id TAB title (tabs/newlines in titles become spaces)
/// users.txt                          one user id per line, in index order
/// transformers/NN-Sig/entry.json     {"signature","version_written","version_readable","properties":{…}}
/// transformers/NN-Sig/tensors.safetensors
/// TransformerChain/…, Schema, TrainingInfo/…   written by ML.NET (MLContext.Model.Save of the MLNetScoring chain)
/// </code>
/// A reader refuses a zip whose <c>min_reader_version</c> is above <see cref="FormatVersion"/>, and an entry whose
/// <c>version_readable</c> is above the version its loader's class declares.</summary>
public static class ModelArchive
{
    public const string Format = "blairclip.model";
    /// <summary>2: the zip also holds the ML.NET chain (entries ML.NET owns; a version-1 reader ignores them).</summary>
    public const int FormatVersion = 2;

    /// <summary>The oldest reader that reads what this build writes (our entries did not change in version 2).</summary>
    private const int MinReaderVersion = 1;

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(RecommenderModel model, string path) =>
        AtomicFile.Write(path, s => Write(model, s, Path.GetDirectoryName(Path.GetFullPath(path))!));

    /// <summary>Writes <paramref name="model"/>'s zip to <paramref name="stream"/> (ML.NET's part passes through a
    /// temporary file in the system's temporary folder).</summary>
    public static void Write(RecommenderModel model, Stream stream) => Write(model, stream, Path.GetTempPath());

    /// <summary>As <see cref="Write(RecommenderModel, Stream)"/>, with ML.NET's temporary file (hidden, deleted before
    /// this returns or throws) in <paramref name="temporaryFolder"/>: <see cref="Save"/> keeps it beside the zip, on the
    /// disk the zip goes to, rather than in a temporary folder that may be memory.</summary>
    internal static void Write(RecommenderModel model, Stream stream, string temporaryFolder)
    {
        // ML.NET's part (building its chain, then its own save: single-threaded, most of a save's time) is made on
        // another thread while this one writes ours; its entries are copied in last.
        using var mlnet = new MLNetEntries(model, temporaryFolder);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var entries = new JsonArray();
        var steps = model.Fitted.ItemSteps.Select(s => (s.Transformer, s.InputSchema)).Append((model.Recommender, null)).ToList();
        for (int i = 0; i < steps.Count; i++)
        {
            var (t, inputSchema) = steps[i];
            if (t is IModelEntry entry)
            {
                var attr = TransformerLoaders.EntryOf(t);
                var ctx = new EntryWriter();
                entry.SaveEntry(ctx);
                var dir = $"transformers/{i:00}-{attr.Signature}/";
                var entryJson = new JsonObject
                {
                    ["signature"] = attr.Signature,
                    ["version_written"] = attr.Version,
                    ["version_readable"] = ctx.MinReadableVersion ?? attr.Version,
                    ["properties"] = ctx.Properties,
                };
                WriteText(zip, dir + "entry.json", entryJson.ToJsonString(Indented));
                WriteTensors(zip, dir + "tensors.safetensors", ctx.Tensors);
                entries.Add(new JsonObject { ["entry"] = dir, ["signature"] = attr.Signature });
            }
            else
            {
                // An ML.NET built-in (FeaturizeText, NormalizeLpNorm, …): ML.NET writes it, as its own zip.
                var schema = inputSchema ?? throw new InvalidOperationException(
                    $"Item step {i} ({t.GetType().Name}) is an ML.NET transformer without the schema it was fitted on; it cannot be saved.");
                var dir = $"transformers/{i:00}-{MLNetStepSignature}/";
                using var ms = new MemoryStream();
                new Microsoft.ML.MLContext(seed: 0).Model.Save(t, schema, ms);
                ms.Position = 0;
                // A zip whose own entries are deflated: judged by a sample.
                using (var to = IO.ZipEntryWriter.Create(zip, dir + "model.zip", IO.ZipEntryCompression.BySample)) ms.CopyTo(to);
                entries.Add(new JsonObject { ["entry"] = dir, ["signature"] = MLNetStepSignature, ["type"] = t.GetType().FullName });
            }
        }

        var catalog = new SafeTensorsWriter()
            .Add("history_offsets", model.Histories.Offsets, model.Histories.Offsets.Length)
            .Add("history_items", model.Histories.AllItems, model.Histories.AllItems.Length);
        WriteTensors(zip, "catalog.safetensors", catalog);
        WriteText(zip, "items.tsv", string.Concat(Enumerable.Range(0, model.Items.Count).Select(i =>
            model.Items[i] + "\t" + Clean(model.Titles.Count > i ? model.Titles[i] : null) + "\n")));
        WriteText(zip, "users.txt", model.Users.ToLines());
        var itemSchema = model.Fitted.ItemSteps.FirstOrDefault()?.InputSchema;
        var root = new JsonObject
        {
            ["format"] = Format,
            ["format_version"] = FormatVersion,
            ["min_reader_version"] = MinReaderVersion,
            ["mlnet"] = new JsonObject { ["input"] = new JsonArray(MLNetScoring.UserIdColumn, MLNetScoring.ItemIdColumn), ["output"] = MLNetScoring.ScoreColumn },
            ["name"] = model.Name,
            ["pipeline"] = model.Pipeline,
            ["item_columns"] = itemSchema is null ? null : new JsonArray(itemSchema.Where(c => !c.IsHidden)
                .Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["type"] = c.Type.ToString() }).ToArray()),
            ["transformers"] = entries,
        };
        WriteText(zip, "model.json", root.ToJsonString(Indented));
        mlnet.CopyTo(zip);
    }

    /// <summary>Signature of an item step written by ML.NET itself (<c>model.zip</c> in its entry folder).</summary>
    public const string MLNetStepSignature = "MLNet";

    /// <summary>Loads a model zip.</summary>
    /// <exception cref="InvalidDataException">Not a model zip, written by a newer format, or a damaged entry;
    /// the message names the file and the entry.</exception>
    public static RecommenderModel Load(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return Read(stream, path);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>A positive integer version field of model.json.</summary>
    private static int Version(JsonObject root, string key)
    {
        var node = root[key] ?? throw new InvalidDataException($"model.json has no '{key}'.");
        if (node.GetValueKind() != System.Text.Json.JsonValueKind.Number || !node.AsValue().TryGetValue(out int v) || v < 1)
            throw new InvalidDataException($"model.json: '{key}' must be a positive integer, but is {node.ToJsonString()}.");
        return v;
    }

    public static RecommenderModel Read(Stream stream, string source)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var root = JsonNode.Parse(ReadText(zip, source, "model.json"))?.AsObject()
            ?? throw new InvalidDataException("model.json is empty.");
        if ((string?)root["format"] != Format)
            throw new InvalidDataException($"not a BlairClip model (model.json format is '{(string?)root["format"]}').");
        int formatVersion = Version(root, "format_version");
        int minReader = root["min_reader_version"] is null && formatVersion == 1 ? 1 : Version(root, "min_reader_version");
        if (formatVersion > FormatVersion || minReader > FormatVersion)
            throw new InvalidDataException(
                $"written by a newer BlairClip.ML (model format {formatVersion}, needs reader version {minReader}); this build reads formats up to {FormatVersion}. Upgrade BlairClip.ML to load it.");
        if (minReader > formatVersion)
            throw new InvalidDataException($"model.json: min_reader_version {minReader} is above its format_version {formatVersion}; the manifest is damaged.");

        var transformers = new List<FittedItemStep>();
        foreach (var e in root["transformers"]!.AsArray())
        {
            var dir = (string)e!["entry"]!;
            var signature = (string)e["signature"]!;
            if (signature == MLNetStepSignature)
            {
                // ML.NET finds the loaders of its extension packages (images, ONNX) among the loaded assemblies.
                Experiments.PipelineSteps.LoadComponentAssemblies();
                using var blob = new MemoryStream(ReadBytes(zip, source, dir + "model.zip"));
                var mlnet = new Microsoft.ML.MLContext(seed: 0).Model.Load(blob, out var stepSchema);
                transformers.Add(new FittedItemStep(mlnet, stepSchema));
                continue;
            }
            var entry = JsonNode.Parse(ReadText(zip, source, dir + "entry.json"))!.AsObject();
            signature = (string)entry["signature"]!;
            int written = (int)entry["version_written"]!, readable = (int)entry["version_readable"]!;
            var (_, supported) = TransformerLoaders.Find(signature);
            if (readable > supported)
                throw new InvalidDataException(
                    $"entry {dir} ({signature}) was written with layout version {written} and needs a reader of version {readable}; this build reads up to {supported}. Upgrade BlairClip.ML to load it.");
            var tensors = SafeTensorsFile.Parse(ReadBytes(zip, source, dir + "tensors.safetensors"), $"{source}!{dir}tensors.safetensors");
            var ctx = new EntryReader($"{source}!{dir}", written, entry["properties"]!.AsObject(), tensors);
            transformers.Add(new FittedItemStep(TransformerLoaders.Load(signature, ctx), null));
        }
        if (transformers.Count == 0 || transformers[^1].Transformer is not Recommenders.RecommenderTransformer recommender)
            throw new InvalidDataException($"the last transformer entry is not a recommender ({transformers.LastOrDefault()?.Transformer.GetType().Name ?? "none"}).");

        var catalog = SafeTensorsFile.Parse(ReadBytes(zip, source, "catalog.safetensors"), $"{source}!catalog.safetensors");
        var histories = new UserHistories(catalog.Get<int>("history_offsets"), catalog.Get<int>("history_items"));
        var items = new IdMap();
        var titles = new List<string?>();
        foreach (var line in ReadText(zip, source, "items.tsv").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int tab = line.IndexOf('\t');
            items.GetOrAdd(tab < 0 ? line : line[..tab]);
            titles.Add(tab < 0 || tab == line.Length - 1 ? null : line[(tab + 1)..]);
        }
        var users = new IdMap(ReadText(zip, source, "users.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries));
        recommender.Histories = histories;
        return new RecommenderModel((string)root["name"]!, (string)root["pipeline"]!,
            new RecommenderPipelineModel(transformers.Take(transformers.Count - 1).ToList(), recommender), users, items, titles, histories);
    }

    /// <summary>The model's ML.NET chain (<see cref="MLNetScoring"/>) as the entries ML.NET reads
    /// (<c>TransformerChain/…</c>, <c>Schema</c>, <c>TrainingInfo/…</c>), so that
    /// <c>new MLContext().Model.Load(path, out _)</c> loads the zip. ML.NET writes them to a temporary file (it owns its
    /// zip layout), on a thread of its own from construction; <see cref="CopyTo"/> waits for it and copies them
    /// entry by entry. Dispose to wait and delete the file whether or not they were copied.</summary>
    private sealed class MLNetEntries : IDisposable
    {
        private readonly string _path;
        private readonly Task _saving;

        public MLNetEntries(RecommenderModel model, string folder)
        {
            _path = AtomicFile.HiddenTemporaryPath(folder, "blairclip-mlnet");
            _saving = Task.Run(() =>
            {
                // The id keys (a vocabulary of every user id) are fitted beside the key chain (the lookups).
                var keyChain = Task.Run(() => model.Recommender.KeyChain(model.Histories));
                var ml = new Microsoft.ML.MLContext(seed: 0);
                var idKeys = MLNetScoring.IdKeys(ml, model.Users, model.Items);
                ml.Model.Save(MLNetScoring.IdChain(idKeys, keyChain.GetAwaiter().GetResult()), MLNetScoring.IdInputSchema, _path);
            });
        }

        public void CopyTo(ZipArchive zip)
        {
            _saving.GetAwaiter().GetResult(); // rethrows ML.NET's exception itself, not an AggregateException
            using var mlnet = ZipFile.OpenRead(_path);
            foreach (var entry in mlnet.Entries)
            {
                using var from = entry.Open();
                // ML.NET's .idv lookups deflate their blocks themselves when that pays: judged by a sample (ZipEntryWriter).
                using var to = IO.ZipEntryWriter.Create(zip, entry.FullName,
                    entry.FullName.EndsWith(".idv", StringComparison.Ordinal) ? IO.ZipEntryCompression.BySample : IO.ZipEntryCompression.Deflate);
                from.CopyTo(to);
            }
        }

        public void Dispose()
        {
            try { _saving.Wait(); }
            catch (AggregateException) { } // CopyTo reported it, or the save is being abandoned for another error
            finally { File.Delete(_path); }
        }
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static string Clean(string? s) => s is null ? "" : s.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');

    private static void WriteText(ZipArchive zip, string name, string text) =>
        WriteBytes(zip, name, new System.Text.UTF8Encoding(false).GetBytes(text));

    /// <summary>Streams the safetensors file into the entry: a model's tensors (BPR's user factors alone are 460 MB at
    /// Appliances scale) are not copied into a buffer of the whole file first. Tensors that are (nearly) all floats are
    /// stored: deflate makes dense factors 6 % bigger; integer ones (histories, CSR indices) are deflated.</summary>
    private static void WriteTensors(ZipArchive zip, string name, SafeTensorsWriter tensors)
    {
        using var s = IO.ZipEntryWriter.Create(zip, name, tensors.FloatingShare >= 0.9 ? IO.ZipEntryCompression.Store : IO.ZipEntryCompression.Deflate);
        tensors.WriteTo(s);
    }

    private static void WriteBytes(ZipArchive zip, string name, byte[] bytes)
    {
        using var s = IO.ZipEntryWriter.Create(zip, name, IO.ZipEntryCompression.Deflate);
        s.Write(bytes);
    }

    private static string ReadText(ZipArchive zip, string source, string name) => System.Text.Encoding.UTF8.GetString(ReadBytes(zip, source, name));

    /// <summary>The entry's bytes, checked against the length and CRC32 the zip directory records (.NET's ZipArchive
    /// checks neither when reading, so flipped bytes can inflate to wrong data without an error).</summary>
    /// <exception cref="InvalidDataException">The entry is missing or damaged; the message names the zip and the entry.</exception>
    private static byte[] ReadBytes(ZipArchive zip, string source, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"missing zip entry '{name}'.");
        var ms = new MemoryStream();
        try
        {
            using var s = entry.Open();
            s.CopyTo(ms);
        }
        catch (InvalidDataException e)
        {
            // .NET says "unsupported compression method" for any deflate data it cannot inflate.
            throw DamagedEntry(source, name, $"its data cannot be decompressed ({e.Message})", e);
        }
        if (ms.Length != entry.Length)
            throw DamagedEntry(source, name, $"it decompresses to {ms.Length:N0} bytes, but the zip directory records {entry.Length:N0}");
        var bytes = ms.ToArray();
        uint crc = IO.Crc32Ieee.Hash(bytes);
        if (crc != entry.Crc32)
            throw DamagedEntry(source, name, $"its CRC32 is {crc:X8}, but the zip directory records {entry.Crc32:X8}");
        return bytes;
    }

    private static InvalidDataException DamagedEntry(string source, string name, string detail, Exception? inner = null) =>
        new($"{source}: zip entry '{name}' is damaged: {detail}. The model zip is corrupt or was changed after saving; save the model again.", inner);
}

/// <summary>Catalog entry points for model zips (<c>mlContext.BlairClip().Models.…</c>).</summary>
public static class ModelArchiveCatalog
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (atomically): an ML.NET zip that also
    /// holds what <see cref="Load"/> reads.</summary>
    public static void Save(this ModelCatalog catalog, RecommenderModel model, string path) => ModelArchive.Save(model, path);

    /// <summary>Reads a model zip written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">Not a model zip, a newer format, or a damaged entry (named).</exception>
    public static RecommenderModel Load(this ModelCatalog catalog, string path) => ModelArchive.Load(path);
}
