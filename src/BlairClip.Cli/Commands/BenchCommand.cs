using System.CommandLine;

namespace BlairClip.Cli.Commands;

/// <summary><c>blairclip bench [--scale appliances|small] [--data DIR]</c></summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var scale = new Option<BenchScale>("--scale") { Description = "appliances (1.8 M users, 94 k items, 2.1 M reviews) or small.", DefaultValueFactory = _ => BenchScale.Appliances };
        var data = new Option<string>("--data") { Description = "Where the synthetic data is generated once and reused (DIR/<scale>/).", DefaultValueFactory = _ => "bench-data" };
        var cmd = new Command("bench", "Run the seed study's baselines on synthetic data of a scale and print a table of stages, rates and ratios to in-run references.");
        cmd.Options.Add(scale);
        cmd.Options.Add(data);
        cmd.SetAction(p => Errors.Guard(() => ScaleBench.Run(p.GetValue(scale), p.GetValue(data)!, Console.Out)));
        return cmd;
    }
}
