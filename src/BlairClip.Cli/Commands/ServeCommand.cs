using System.CommandLine;
using BlairClip.ML.Experiments.Yaml;
using BlairClip.Serve;
using Microsoft.AspNetCore.Builder;
using YamlDotNet.RepresentationModel;

namespace BlairClip.Cli.Commands;

/// <summary><c>blairclip serve --model ZIP [--model ZIP …] [--port 8080] [--host 127.0.0.1] [--study SPEC.yaml | --images TEMPLATE]</c></summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var models = new Option<string[]>("--model", "-m") { Description = "Model zips to serve (repeatable).", Required = true, AllowMultipleArgumentsPerToken = false };
        var port = new Option<int>("--port") { Description = "TCP port (0: any free one).", DefaultValueFactory = _ => ServeOptions.DefaultPort };
        var host = new Option<string>("--host") { Description = "Address to bind; the loopback unless you open it explicitly (e.g. 0.0.0.0).", DefaultValueFactory = _ => ServeOptions.DefaultHost };
        var study = new Option<string?>("--study") { Description = "The study the models came from: result cards show item photos from its data.images template." };
        var index = new Option<BlairClip.ML.Search.SearchIndexKind>("--index") { Description = "First-pass index per model: auto, exact or hnsw (graphs cached as ZIP.hnsw).", DefaultValueFactory = _ => BlairClip.ML.Search.SearchIndexKind.Auto };
        var images = new Option<string?>("--images") { Description = "An item image template instead (e.g. images/{item:0:3}/{item}.jpg, relative to the current folder)." };
        var cmd = new Command("serve", "A local web page over saved models: text/image search with a weight slider and re-ranking, and recommendations for a user or a history.");
        foreach (var o in new Option[] { models, port, host, study, images, index }) cmd.Options.Add(o);
        cmd.SetAction(p => Errors.Guard(() =>
        {
            string? template = p.GetValue(images), baseDir = Directory.GetCurrentDirectory();
            if (p.GetValue(study) is { } spec)
            {
                if (template is not null) throw new IOException("give --study or --images, not both");
                var doc = SpecDocument.Load(spec);
                template = (doc["data"] as YamlMappingNode)?.Children.FirstOrDefault(c => c.Key.ToString() == "images").Value?.ToString()
                    ?? throw new IOException($"--study {spec}: it has no data.images template, so there are no item photos to show.");
                baseDir = doc.Directory;
            }
            var app = SearchServer.Build(new ServeOptions { Models = p.GetValue(models)!, Port = p.GetValue(port), Host = p.GetValue(host)!, Images = template, ImageBase = baseDir, Index = p.GetValue(index) });
            app.StartAsync().GetAwaiter().GetResult();
            Console.WriteLine($"serving {string.Join(", ", p.GetValue(models)!.Select(Path.GetFileName))} at {string.Join(", ", app.Urls)} (Ctrl-C stops)");
            using var stop = new ManualResetEventSlim();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Set(); };
            AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Set();
            stop.Wait();
            app.StopAsync().GetAwaiter().GetResult();
            return 0;
        }));
        return cmd;
    }
}
