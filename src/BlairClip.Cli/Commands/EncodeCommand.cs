using System.CommandLine;
using BlairClip.ML.Models;
using BlairClip.Towers;
using BlairClip.Towers.Encoding;

namespace BlairClip.Cli.Commands;

/// <summary><c>blairclip encode --checkpoint DIR (--texts FILE | --images FILE) [--tower text|image] [--device cpu|cuda]
/// [--dtype float32|bf16] [--batch N] --output OUT.safetensors</c></summary>
internal static class EncodeCommand
{
    public static Command Create()
    {
        // Loading the towers assembly here registers its pipeline steps and model entries for `run` and `recommend`.
        TransformerLoaders.Register(typeof(TowerEmbeddings));

        var checkpoint = new Option<string>("--checkpoint", "-c") { Description = "Hugging Face checkpoint folder (CLIP, RoBERTa/BLaIR).", Required = true };
        var texts = new Option<string?>("--texts") { Description = "File with one text per line." };
        var images = new Option<string?>("--images") { Description = "File with one image path per line (relative to the file)." };
        var tower = new Option<string?>("--tower") { Description = "text | image (default: text with --texts, image with --images)." };
        var device = new Option<string>("--device") { Description = "cpu | cuda | cuda:N.", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string>("--dtype") { Description = "float32 | bf16.", DefaultValueFactory = _ => "float32" };
        var batch = new Option<int>("--batch") { Description = "Items per forward pass.", DefaultValueFactory = _ => 32 };
        var output = new Option<string>("--output", "-o") { Description = "safetensors file to write (tensor `embeddings` [lines, dim]).", Required = true };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress bar." };
        var force = new Option<bool>("--force") { Description = "Replace an existing --output file (never one the command reads)." };
        var cmd = new Command("encode", "Encode texts or images with a pretrained tower into L2-normalised embeddings (safetensors).");
        foreach (var o in new Option[] { checkpoint, texts, images, tower, device, dtype, batch, output, quiet, force }) cmd.Options.Add(o);
        cmd.SetAction(p => Errors.Guard(() =>
        {
            string? t = p.GetValue(texts), i = p.GetValue(images);
            if ((t is null) == (i is null)) throw new IOException("give exactly one of --texts FILE or --images FILE");
            var kind = p.GetValue(tower) ?? (t is not null ? "text" : "image");
            if (kind is not ("text" or "image")) throw new IOException($"--tower must be text or image, but was '{kind}'");
            if ((kind == "text") != (t is not null))
                throw new IOException($"--tower {kind} needs --{(kind == "text" ? "texts" : "images")} FILE");
            int n = p.GetValue(batch);
            if (n <= 0) throw new IOException($"--batch must be positive, but was {n}");
            var precision = TowerPrecisionNames.Parse(p.GetValue(dtype)!)
                ?? throw new IOException($"--dtype must be float32 or bf16, but was '{p.GetValue(dtype)}'");
            var options = new TowerOptions { Device = p.GetValue(device)!, DType = precision, BatchSize = n };
            if (!(options.Device is "cpu" or "cuda" || options.Device.StartsWith("cuda:", StringComparison.Ordinal)))
                throw new IOException($"--device must be cpu, cuda or cuda:N, but was '{options.Device}'");
            CheckOutput(p.GetValue(output)!, p.GetValue(force), p.GetValue(checkpoint)!, t ?? i!);
            var result = ConsoleProgress.Run(p.GetValue(quiet), progress => kind == "text"
                ? EmbeddingExport.EncodeTexts(p.GetValue(checkpoint)!, t!, p.GetValue(output)!, options, progress)
                : EmbeddingExport.EncodeImages(p.GetValue(checkpoint)!, i!, p.GetValue(output)!, options, progress));
            Console.WriteLine($"wrote {p.GetValue(output)}: embeddings [{result.Rows}, {result.Dimension}] ({kind} tower, checkpoint sha256 {result.Checkpoint.Sha256[..12]}…)");
            return 0;
        }));
        return cmd;
    }

    /// <summary>The output may not be a file the command reads (the list file, anything in the checkpoint folder), even
    /// with <c>--force</c>; an existing output is replaced only with <c>--force</c>.</summary>
    private static void CheckOutput(string output, bool force, string checkpoint, string list)
    {
        var out_ = Path.GetFullPath(output);
        var dir = Path.GetFullPath(checkpoint).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (out_ == Path.GetFullPath(list) || out_.StartsWith(dir, StringComparison.Ordinal))
            throw new IOException($"--output {output} is a file this command reads ({(out_ == Path.GetFullPath(list) ? "the input list" : "inside the checkpoint folder")}); choose another path.");
        if (Directory.Exists(out_)) throw new IOException($"--output {output} is a folder; give a .safetensors file path.");
        if (File.Exists(out_) && !force) throw new IOException($"--output {output} exists; pass --force to replace it.");
    }
}
