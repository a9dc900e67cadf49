using System.CommandLine;
using BlairClip.Report;

namespace BlairClip.Cli.Commands;

/// <summary><c>blairclip report RUN_DIR</c>: (re)writes a results folder's report.html and plots/ from its files.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("run-dir") { Description = "A results folder (results/<study>/<timestamp>/)." };
        var cmd = new Command("report", "Write RUN_DIR/report.html and RUN_DIR/plots/ from the folder's results (runs write them already; this redoes them).");
        cmd.Arguments.Add(dir);
        cmd.SetAction(p => Errors.Guard(() =>
        {
            var folder = Path.GetFullPath(p.GetValue(dir)!);
            RunFolder.Read(folder); // refuses what is not a results folder before anything is written
            new HtmlReport().Write(folder);
            Console.WriteLine($"report: {Path.Combine(folder, HtmlReport.FileName)}");
            return 0;
        }));
        return cmd;
    }
}
