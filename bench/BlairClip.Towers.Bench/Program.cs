using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BlairClip.Towers.Bench;

// Usage: dotnet run -c Release --project bench/BlairClip.Towers.Bench -- encode [--threads N] [--iterations K] [--only NAME] [--no-pytorch]
var arguments = args.ToList();
if (arguments.Count == 0 || arguments[0] != "encode")
{
    Console.Error.WriteLine("usage: BlairClip.Towers.Bench encode [--threads N] [--iterations K] [--only NAME] [--no-pytorch]");
    return 2;
}
string? Option(string name)
{
    var i = arguments.IndexOf(name);
    return i >= 0 && i + 1 < arguments.Count ? arguments[i + 1] : null;
}
var threads = int.Parse(Option("--threads") ?? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
var iterationsOption = int.Parse(Option("--iterations") ?? "0", CultureInfo.InvariantCulture);
var only = Option("--only");
// Both libtorch thread pools are set deliberately: TorchSharp's MKL at 2 threads was seen slower than 1 on this
// 2-core machine, so the thread count is a parameter and printed with every result.
torch.set_num_threads(threads);
torch.set_num_interop_threads(1);
torch.manual_seed(0);

Console.WriteLine($"TorchSharp {typeof(torch).Assembly.GetName().Version!.ToString(3)}, libtorch {torch.__version__}, {torch.get_num_threads()} threads, CPU float32, batch {EncodeCases.Batch}, "
    + $"{EncodeCases.Tokens} tokens / 224x224 images, random weights, no_grad");
var ours = new Dictionary<string, double>();
foreach (var c in EncodeCases.All().Where(c => only is null || c.Name == only))
{
    var iterations = iterationsOption > 0 ? iterationsOption : c.DefaultIterations;
    var (model, forward) = c.Build();
    using (model)
    using (torch.no_grad())
    {
        forward(); // warm-up: first-call allocations and kernel selection
        var best = double.MaxValue;
        for (var repeat = 0; repeat < 5; repeat++) // best of 5 blocks, as pytorch_reference.py: the machine is shared
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < iterations; i++) forward();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        ours[c.Name] = EncodeCases.Batch * iterations / best;
    }
    Console.WriteLine($"  {c.Name,-18} BlairClip.Towers {ours[c.Name],10:F1} items/s (best of 5 × {iterations} batches)");
}

var reference = arguments.Contains("--no-pytorch") ? new Dictionary<string, double>() : PyTorch(threads, iterationsOption, only);
Console.WriteLine();
Console.WriteLine($"{"case",-18} {"BlairClip items/s",18} {"PyTorch items/s",16} {"ratio (ours/PyTorch)",21}");
foreach (var (name, rate) in ours)
{
    var theirs = reference.TryGetValue(name, out var r) ? r : double.NaN;
    Console.WriteLine($"{name,-18} {rate,18:F1} {theirs,16:F1} {rate / theirs,21:F2}");
}
return 0;

// Runs pytorch_reference.py with Debian's /usr/bin/python3 (python3-torch); an empty result when it is unavailable.
static Dictionary<string, double> PyTorch(int threads, int iterations, string? only)
{
    var script = Path.Combine(AppContext.BaseDirectory, "pytorch_reference.py");
    var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in new[] { script, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--iterations", iterations.ToString(CultureInfo.InvariantCulture) })
        info.ArgumentList.Add(a);
    if (only is not null) { info.ArgumentList.Add("--only"); info.ArgumentList.Add(only); }
    var result = new Dictionary<string, double>();
    try
    {
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            using var doc = JsonDocument.Parse(line);
            var name = doc.RootElement.GetProperty("name").GetString()!;
            result[name] = doc.RootElement.GetProperty("items_per_s").GetDouble();
            Console.WriteLine($"  {name,-18} PyTorch {doc.RootElement.GetProperty("torch").GetString()} eager {result[name],10:F1} items/s");
        }
        process.WaitForExit();
        if (process.ExitCode != 0) Console.WriteLine($"pytorch_reference.py exited {process.ExitCode}: {stderr.Result.Trim()}");
    }
    catch (System.ComponentModel.Win32Exception e)
    {
        Console.WriteLine($"PyTorch reference not run: /usr/bin/python3 could not start ({e.Message}); apt-get install -y python3-torch");
    }
    return result;
}
