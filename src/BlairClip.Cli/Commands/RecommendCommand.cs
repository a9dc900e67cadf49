using System.CommandLine;
using System.Globalization;
using BlairClip.ML.Models;
using Spectre.Console;

namespace BlairClip.Cli.Commands;

/// <summary><c>blairclip recommend --model ZIP (--user ID | --history ID,ID,...) [--top 10]</c></summary>
internal static class RecommendCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "A model zip written by `run`.", Required = true };
        var user = new Option<string?>("--user") { Description = "A user id known to the model." };
        var history = new Option<string?>("--history") { Description = "Comma-separated item ids to recommend from." };
        var top = new Option<int>("--top") { Description = "How many items.", DefaultValueFactory = _ => 10 };
        var cmd = new Command("recommend", "Print a saved model's top items for a user or an ad-hoc history (history items excluded).");
        foreach (var o in new Option[] { model, user, history, top }) cmd.Options.Add(o);
        cmd.SetAction(p => Errors.Guard(() =>
        {
            string? u = p.GetValue(user), h = p.GetValue(history);
            if ((u is null) == (h is null)) throw new IOException("give exactly one of --user ID or --history ID,ID,...");
            int n = p.GetValue(top);
            if (n <= 0) throw new IOException($"--top must be positive, but was {n}");
            var loaded = ModelArchive.Load(p.GetValue(model)!);
            var recs = u is not null ? loaded.RecommendForUser(u, n)
                : loaded.RecommendForHistory(h!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), n);
            var table = new Table().Title(Markup.Escape($"{loaded.Name}: top {n} for {(u is not null ? "user " + u : "history")}"))
                .AddColumn(new TableColumn("#").RightAligned()).AddColumn("Item").AddColumn(new TableColumn("Score").RightAligned()).AddColumn("Title");
            int rank = 1;
            foreach (var r in recs)
                table.AddRow((rank++).ToString(CultureInfo.InvariantCulture), Markup.Escape(r.ItemId),
                    r.Score.ToString("G6", CultureInfo.InvariantCulture), Markup.Escape(r.Title ?? ""));
            Tables.Write(table);
            return 0;
        }));
        return cmd;
    }
}
