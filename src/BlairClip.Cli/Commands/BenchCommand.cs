using System.CommandLine;

namespace BlairClip.Cli.Commands;

/// <summary><c>blairclip bench [--scale appliances|small|ann] [--data DIR] [--vectors N] [--queries N]</c></summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var scale = new Option<BenchScale>("--scale") { Description = "appliances (1.8 M users, 94 k items, 2.1 M reviews), small, or ann (HNSW vs exact query search on synthetic 256-d embeddings).", DefaultValueFactory = _ => BenchScale.Appliances };
        var data = new Option<string>("--data") { Description = "Where the synthetic data is generated once and reused (DIR/<scale>/); not used by ann (generated in memory).", DefaultValueFactory = _ => "bench-data" };
        var vectors = new Option<int>("--vectors") { Description = "ann: catalog size.", DefaultValueFactory = _ => AnnBench.DefaultVectors };
        var queries = new Option<int>("--queries") { Description = "ann: held-out queries, each run through exact search and HNSW.", DefaultValueFactory = _ => AnnBench.DefaultQueries };
        var cmd = new Command("bench", "Run the seed study's baselines (or, with --scale ann, query search) on synthetic data of a scale and print a table of stages, rates and ratios to in-run references.");
        cmd.Options.Add(scale);
        cmd.Options.Add(data);
        cmd.Options.Add(vectors);
        cmd.Options.Add(queries);
        cmd.SetAction(p => Errors.Guard(() => p.GetValue(scale) == BenchScale.Ann
            ? AnnBench.Run(p.GetValue(vectors), p.GetValue(queries), Console.Out)
            : ScaleBench.Run(p.GetValue(scale), p.GetValue(data)!, Console.Out)));
        return cmd;
    }
}
