using System.Text.Json.Nodes;
using BlairClip.Images.Decoding;
using BlairClip.ML.Data;
using BlairClip.ML.Models;
using BlairClip.ML.Search;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlairClip.Serve;

/// <summary>One served model: the zip, its search (null when it takes no queries, with the reason) and what it can embed.</summary>
public sealed record ServedModel(string Name, RecommenderModel Model, ModelSearch? Search, string? SearchWhyNot)
{
    public bool Text => Search?.Supports(QueryKind.Text, out _) == true;
    public bool Image => Search?.Supports(QueryKind.Image, out _) == true;
}

/// <summary>The <c>serve</c> web app: the page (GET /), the models (GET /api/models), search (POST /api/search, a form with
/// model, text, an image file, text_weight, rerank, top), recommend (GET /api/recommend?model=&amp;user=|history=&amp;top=,
/// ranked exactly as <c>recommend</c>), and item photos (GET /api/image/{model}/{item}, from the study's image template
/// only). Errors are JSON <c>{"error": …}</c> with status 400/404/413; a bad request never stops the server.</summary>
public static class SearchServer
{
    /// <summary>Loads the models and builds the app (not started).</summary>
    /// <exception cref="ArgumentException">No models, or two with the same name.</exception>
    public static WebApplication Build(ServeOptions options)
    {
        if (options.Models.Count == 0) throw new ML.Core.InvalidOptionException("--model", null, "needs at least one model zip");
        BlairClip.Towers.Search.TowerSearch.Register();
        var models = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
        foreach (var path in options.Models)
        {
            var model = ModelArchive.Load(path);
            ModelSearch? search = null; string? why = null;
            try { search = ModelSearch.For(model).UseIndex(new SearchIndexOptions { Kind = options.Index }, Path.GetFullPath(path) + ".hnsw", Console.Error); }
            catch (QueryNotSupportedException e) { why = e.Message; }
            if (!models.TryAdd(model.Name, new ServedModel(model.Name, model, search, why)))
                throw new ML.Core.InvalidOptionException("--model", path, $"holds model '{model.Name}', a name another --model already has");
        }
        var images = options.Images is { } t ? new ItemImages(ImagePathTemplate.Parse(t, "--images"), options.ImageBase) : null;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxUploadBytes + 64 * 1024);
        builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = options.MaxUploadBytes);
        var app = builder.Build();
        app.Use(async (ctx, next) =>
        {
            try { await next(ctx); }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await Error(ctx, 413, $"the upload is larger than the limit of {options.MaxUploadBytes / (1024 * 1024)} MB");
            }
            catch (InvalidDataException e) when (e.Message.Contains("Multipart body length limit", StringComparison.Ordinal))
            {
                await Error(ctx, 413, $"the upload is larger than the limit of {options.MaxUploadBytes / (1024 * 1024)} MB");
            }
            catch (Exception e) when (e is NotSupportedException or ArgumentException or KeyNotFoundException or InvalidDataException or ImageDecodeException or FormatException)
            {
                await Error(ctx, 400, e.Message);
            }
        });

        var page = ReadPage();
        app.MapGet("/", () => Results.Content(page, "text/html; charset=utf-8"));
        app.MapGet("/api/models", () => Results.Json(new JsonArray(models.Values.Select(m => (JsonNode)new JsonObject
        {
            ["name"] = m.Name, ["pipeline"] = m.Model.Pipeline, ["items"] = m.Model.Items.Count, ["users"] = m.Model.Users.Count,
            ["text"] = m.Text, ["image"] = m.Image, ["search_unsupported"] = m.SearchWhyNot,
            ["images"] = images is not null,
        }).ToArray())));
        app.MapPost("/api/search", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var served = Model(models, form["model"]);
            if (served.Search is null) throw new QueryNotSupportedException(served.SearchWhyNot!);
            string? text = form["text"].ToString() is { Length: > 0 } s ? s : null;
            float weight = form["text_weight"].ToString() is { Length: > 0 } w ? float.Parse(w, System.Globalization.CultureInfo.InvariantCulture) : SearchQuery.DefaultTextWeight;
            int top = Top(form["top"], options.MaxTop);
            var rerank = form["rerank"].ToString() is { Length: > 0 } r ? Rerank.Parse(r) : null;
            string? upload = null;
            try
            {
                if (form.Files.GetFile("image") is { Length: > 0 } file) upload = await SaveUpload(file, options.MaxUploadBytes);
                var query = new SearchQuery(text, upload, weight);
                query.Validate();
                var hits = served.Search.Search(query, top, rerank);
                return Results.Json(Hits(served, hits.Select(h => (h.ItemId, h.Title, h.Score)), images));
            }
            finally { if (upload is not null) File.Delete(upload); }
        });
        app.MapGet("/api/recommend", (string? model, string? user, string? history, string? top) =>
        {
            var served = Model(models, model);
            int n = Top(top, options.MaxTop);
            if (string.IsNullOrWhiteSpace(user) == string.IsNullOrWhiteSpace(history)) throw new ArgumentException("give a user id or a history of item ids, not both");
            var recs = !string.IsNullOrWhiteSpace(user) ? served.Model.RecommendForUser(user.Trim(), n)
                : served.Model.RecommendForHistory(history!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), n);
            return Results.Json(Hits(served, recs.Select(r => (r.ItemId, r.Title, r.Score)), images));
        });
        app.MapGet("/api/image/{model}/{item}", (string model, string item) =>
        {
            var served = Model(models, model);
            // Only a catalog item's own photo, from the study's template: never a path the request names.
            if (!served.Model.Items.TryGetIndex(item, out _) || images?.Path(item) is not { } path) return Results.NotFound();
            return Results.File(path, ContentType(path));
        });
        return app;
    }

    /// <summary>Item photos from the study's image template (relative to its folder).</summary>
    private sealed class ItemImages(ImagePathTemplate template, string baseDirectory)
    {
        /// <summary>The item's photo, or null when it has none.</summary>
        public string? Path(string itemId)
        {
            var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, template.Expand(itemId)));
            return File.Exists(path) ? path : null;
        }
    }

    private static ServedModel Model(Dictionary<string, ServedModel> models, string? name) =>
        name is not null && models.TryGetValue(name, out var m) ? m : throw new KeyNotFoundException($"no model '{name}' is served (models: {string.Join(", ", models.Keys)})");

    private static int Top(string? value, int max)
    {
        if (string.IsNullOrEmpty(value)) return 10;
        if (!int.TryParse(value, out int n) || n < 1 || n > max) throw new ArgumentException($"top must be an integer in 1…{max}, but was '{value}'");
        return n;
    }

    private static JsonObject Hits(ServedModel m, IEnumerable<(string Id, string? Title, float Score)> hits, ItemImages? images) => new()
    {
        ["model"] = m.Name,
        ["results"] = new JsonArray(hits.Select((h, r) => (JsonNode)new JsonObject
        {
            ["rank"] = r + 1, ["item"] = h.Id, ["title"] = h.Title, ["score"] = float.IsFinite(h.Score) ? h.Score : null,
            ["image"] = images?.Path(h.Id) is null ? null : $"/api/image/{Uri.EscapeDataString(m.Name)}/{Uri.EscapeDataString(h.Id)}",
        }).ToArray()),
    };

    /// <summary>Checks an upload (size, a JPEG/PNG/WebP by its first bytes, decodable within the pixel limit) and keeps it
    /// in a temporary file for the image tower.</summary>
    private static async Task<string> SaveUpload(IFormFile file, long maxBytes)
    {
        if (file.Length > maxBytes) throw new InvalidDataException($"the upload is larger than the limit of {maxBytes / (1024 * 1024)} MB");
        using var ms = new MemoryStream();
        await file.CopyToAsync(ms);
        var bytes = ms.ToArray();
        if (ImageFormatDetector.Detect(bytes) == ImageFormat.Unknown)
            throw new InvalidDataException($"'{file.FileName}' is not a JPEG, PNG or WebP image");
        ImageDecoder.Decode(bytes, file.FileName); // refuses damaged files and images above the pixel limit, with the reason
        var path = Path.Combine(Path.GetTempPath(), $"blairclip-upload-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }

    private static string ContentType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => "image/png", ".webp" => "image/webp", _ => "image/jpeg",
    };

    private static Task Error(HttpContext ctx, int status, string message)
    {
        ctx.Response.StatusCode = status;
        return ctx.Response.WriteAsJsonAsync(new JsonObject { ["error"] = message });
    }

    private static string ReadPage()
    {
        using var s = typeof(SearchServer).Assembly.GetManifestResourceStream("index.html") ?? throw new InvalidOperationException("The page resource index.html is missing from this build.");
        return new StreamReader(s).ReadToEnd();
    }
}
