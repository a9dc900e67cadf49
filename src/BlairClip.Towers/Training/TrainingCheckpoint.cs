using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp.Modules;

namespace BlairClip.Towers.Training;

/// <summary>
/// The checkpoints of <see cref="Trainer"/>: one folder <c>step-NNNNNNNN</c> per checkpoint inside a model's checkpoint
/// folder, holding <c>trainer.json</c> (position, loss sums, validation curve, the configuration fingerprint),
/// <c>weights.bin</c> (the trainable parameters, TorchSharp's tensor format, in <c>named_parameters</c> order),
/// <c>optimizer.bin</c> (TorchSharp's AdamW <c>save_state_dict</c>) and, after a validation, <c>best.bin</c> (the best
/// weights so far). A checkpoint is written into <c>step-N.partial</c> and renamed when complete, so a crash while
/// writing never leaves a damaged one; the previous checkpoint folders are then removed (only names this class writes).
/// These files are for resuming a run with this program, not for loading into PyTorch.
/// </summary>
internal static class TrainingCheckpoint
{
    private const int Format = 1;
    private const string Prefix = "step-";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private sealed record Manifest(int Format, string Fingerprint, string[] Parameters, TrainingState State);

    /// <summary>The newest complete checkpoint folder in <paramref name="root"/>, or null.</summary>
    public static string? Latest(string root)
    {
        if (!Directory.Exists(root)) return null;
        return Directory.EnumerateDirectories(root, Prefix + "*")
            .Select(d => (Path: d, Step: int.TryParse(Path.GetFileName(d).AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1))
            .Where(d => d.Step >= 0).OrderByDescending(d => d.Step).Select(d => d.Path).FirstOrDefault();
    }

    /// <summary>Writes a checkpoint of <paramref name="state"/>; returns its folder.</summary>
    public static string Save(string root, TrainingState state, string fingerprint, IReadOnlyList<(string name, Parameter parameter)> trainable, OptimizerHelper optimizer)
    {
        Directory.CreateDirectory(root);
        var name = Prefix + state.Update.ToString("D8", CultureInfo.InvariantCulture);
        var final = Path.Combine(root, name);
        var partial = final + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        File.WriteAllText(Path.Combine(partial, "trainer.json"),
            JsonSerializer.Serialize(new Manifest(Format, fingerprint, trainable.Select(p => p.name).ToArray(), state), Json));
        using (var writer = new BinaryWriter(File.Create(Path.Combine(partial, "weights.bin"))))
            foreach (var (_, p) in trainable) p.Save(writer);
        optimizer.save_state_dict(Path.Combine(partial, "optimizer.bin"));
        if (state.Best is { } best)
            using (var writer = new BinaryWriter(File.Create(Path.Combine(partial, "best.bin"))))
            {
                writer.Write(best.Length);
                foreach (var values in best)
                {
                    writer.Write(values.Length);
                    writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
                }
            }
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(partial, final);
        foreach (var old in Directory.EnumerateDirectories(root, Prefix + "*").Where(d => d != final).ToList())
            Directory.Delete(old, recursive: true);
        return final;
    }

    /// <summary>Loads <paramref name="folder"/> into the trainable parameters and the optimizer; returns the state.</summary>
    /// <exception cref="InvalidDataException">Another configuration's checkpoint, or a damaged one (names the folder).</exception>
    public static TrainingState Load(string folder, string fingerprint, IReadOnlyList<(string name, Parameter parameter)> trainable, OptimizerHelper optimizer)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(Path.Combine(folder, "trainer.json")), Json)
                ?? throw new InvalidDataException("trainer.json is empty");
            if (manifest.Format != Format)
                throw new InvalidDataException($"checkpoint format {manifest.Format}, but this program reads format {Format}");
            if (manifest.Fingerprint != fingerprint)
                throw new InvalidDataException("it was written by a different configuration (options, seed or data); "
                    + $"it has\n  {manifest.Fingerprint}\nbut this run is\n  {fingerprint}\nRemove the folder to start again, or resume with the same study");
            if (!manifest.Parameters.SequenceEqual(trainable.Select(p => p.name)))
                throw new InvalidDataException("its trainable parameters differ from this model's");
            using (var reader = new BinaryReader(File.OpenRead(Path.Combine(folder, "weights.bin"))))
                foreach (var (_, p) in trainable) p.Load(reader);
            optimizer.load_state_dict(Path.Combine(folder, "optimizer.bin"));
            var state = manifest.State;
            var bestPath = Path.Combine(folder, "best.bin");
            if (File.Exists(bestPath))
                using (var reader = new BinaryReader(File.OpenRead(bestPath)))
                {
                    var best = new float[reader.ReadInt32()][];
                    for (int k = 0; k < best.Length; k++)
                    {
                        best[k] = new float[reader.ReadInt32()];
                        reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(best[k].AsSpan()));
                    }
                    state.Best = best;
                }
            return state;
        }
        catch (Exception e) when (e is IOException or JsonException or ArgumentException or InvalidDataException)
        {
            throw new InvalidDataException($"Cannot resume from checkpoint {folder}: {e.Message}.", e);
        }
    }

    /// <summary>A float32 parameter's values (copied to the CPU when it lives elsewhere).</summary>
    public static float[] Values(Tensor t)
    {
        if (t.device_type == DeviceType.CPU) return t.data<float>().ToArray();
        using var cpu = t.cpu();
        return cpu.data<float>().ToArray();
    }

    /// <summary>Copies <paramref name="values"/> into the parameters (same order and sizes).</summary>
    public static void CopyInto(IReadOnlyList<(string name, Parameter parameter)> trainable, float[][] values)
    {
        using var _ = torch.no_grad();
        for (int k = 0; k < trainable.Count; k++)
        {
            var p = trainable[k].parameter;
            using var t = torch.tensor(values[k], p.shape);
            p.copy_(t);
        }
    }
}
