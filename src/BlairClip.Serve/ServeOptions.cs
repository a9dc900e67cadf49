namespace BlairClip.Serve;

/// <summary>How <c>blairclip serve</c> runs.</summary>
public sealed record ServeOptions
{
    /// <summary>Model zips to serve (at least one); each is picked by its model name on the page.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];
    /// <summary>Bound to the loopback address unless told otherwise: opening the page to a network is an explicit choice.</summary>
    public string Host { get; init; } = DefaultHost;
    public const string DefaultHost = "127.0.0.1";
    /// <summary>0: any free port (the chosen one is printed).</summary>
    public int Port { get; init; } = DefaultPort;
    public const int DefaultPort = 8080;
    /// <summary>The study's item image template (<c>data.images</c>, e.g. <c>images/{item:0:3}/{item}.jpg</c>, relative to
    /// <see cref="ImageBase"/>): result cards show the item's photo from there, and only from there.</summary>
    public string? Images { get; init; }
    /// <summary>What a relative <see cref="Images"/> template is relative to (the study file's folder).</summary>
    public string ImageBase { get; init; } = Directory.GetCurrentDirectory();
    /// <summary>Largest upload accepted, in bytes.</summary>
    public long MaxUploadBytes { get; init; } = DefaultMaxUploadBytes;
    public const long DefaultMaxUploadBytes = 10 * 1024 * 1024;
    /// <summary>The first-pass index of each model (HNSW graphs cached beside the zips as <c>ZIP.hnsw</c>).</summary>
    public ML.Search.SearchIndexKind Index { get; init; } = ML.Search.SearchIndexKind.Auto;
    /// <summary>Most results a request may ask for.</summary>
    public int MaxTop { get; init; } = 100;
}
