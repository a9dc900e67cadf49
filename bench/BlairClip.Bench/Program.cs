namespace BlairClip.Bench;

/// <summary>Benchmarks that print numbers: <c>dotnet run -c Release --project bench/BlairClip.Bench -- NAME</c>.</summary>
public static class Program
{
    private static readonly Dictionary<string, (string What, Action Run)> Benchmarks = new()
    {
        ["bpr"] = ("BPR SGD triples/s, one thread vs all cores", BprBench.Run),
        ["evaluator"] = ("shared ranking evaluator: users/s and ns per user·item, vectorised vs scalar", EvaluatorBench.Run),
        ["content-profile"] = ("TF-IDF fit on the sample and content-profile scoring throughput", ContentProfileBench.Run),
    };

    public static int Main(string[] args)
    {
        if (args.Length == 0 || !args.All(Benchmarks.ContainsKey) && args[0] != "all")
        {
            Console.Error.WriteLine("usage: BlairClip.Bench (all | " + string.Join(" | ", Benchmarks.Keys) + ") ...");
            foreach (var (k, v) in Benchmarks) Console.Error.WriteLine($"  {k,-16} {v.What}");
            return 2;
        }
        foreach (var name in args[0] == "all" ? Benchmarks.Keys.ToArray() : args)
        {
            Console.WriteLine($"## {name}: {Benchmarks[name].What}");
            Benchmarks[name].Run();
            Console.WriteLine();
        }
        return 0;
    }
}
