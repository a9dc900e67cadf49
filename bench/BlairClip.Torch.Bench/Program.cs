using System.Diagnostics;
using BlairClip.Torch;

// Usage: dotnet run -c Release --project bench/BlairClip.Torch.Bench -- matmul [--device cuda:0] [--dtype bfloat16] [--max 4096]
var arguments = args.ToList();
if (arguments.Count == 0 || arguments[0] != "matmul")
{
    Console.Error.WriteLine("usage: BlairClip.Torch.Bench matmul [--device cpu|cuda:N] [--dtype float32|bfloat16|float16] [--max N]");
    return 2;
}
string Option(string name, string fallback)
{
    var i = arguments.IndexOf(name);
    return i >= 0 && i + 1 < arguments.Count ? arguments[i + 1] : fallback;
}
var device = Device.Parse(Option("--device", "cpu"));
var dtype = Option("--dtype", "float32") switch
{
    "float32" => ScalarType.Float32, "bfloat16" => ScalarType.BFloat16, "float16" => ScalarType.Float16,
    var other => throw new ArgumentException($"--dtype: expected float32, bfloat16 or float16, got '{other}'"),
};
var max = long.Parse(Option("--max", "4096"), System.Globalization.CultureInfo.InvariantCulture);

Console.WriteLine($"libtorch {torch.version}, {torch.get_num_threads()} threads, device {device}, dtype {dtype}");
Console.WriteLine($"{"n",6} {"iters",6} {"binding GFLOP/s",16} {"native GFLOP/s",15} {"binding/native",15}");
using var noGrad = torch.no_grad();
for (long n = 64; n <= max; n *= 2)
{
    var flops = 2.0 * n * n * n;
    // Enough products for ~0.2 s of work at 50 GFLOP/s, at least 2.
    var iterations = (int)Math.Clamp(1e10 / flops, 2, 20_000);
    // Best of three interleaved repeats: the machine is shared, the minimum is the least disturbed run.
    double native = double.MaxValue, binding = double.MaxValue;
    for (var repeat = 0; repeat < 3; repeat++)
    {
        native = Math.Min(native, NativeBenchmarks.MatmulSeconds(n, iterations, dtype, device));
        binding = Math.Min(binding, BindingSeconds(n, iterations));
    }
    Console.WriteLine($"{n,6} {iterations,6} {flops * iterations / binding / 1e9,16:F1} {flops * iterations / native / 1e9,15:F1} {native / binding,15:F3}");
}
return 0;

double BindingSeconds(long n, int iterations)
{
    using var scope = torch.NewDisposeScope();
    var a = torch.randn([n, n], dtype, device);
    var b = torch.randn([n, n], dtype, device);
    a.matmul(b).Dispose(); // warm-up, as the native loop does
    Sync();
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < iterations; i++) a.matmul(b).Dispose();
    Sync();
    return watch.Elapsed.TotalSeconds;
}

void Sync()
{
    if (device.type == DeviceType.CUDA) torch.cuda.synchronize(device.index);
}
