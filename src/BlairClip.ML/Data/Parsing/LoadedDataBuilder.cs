using BlairClip.ML.Core;

namespace BlairClip.ML.Data.Parsing;

/// <summary>Collects an item table and interaction events while a loader streams its files, then builds the
/// <see cref="LoadedData"/>: applies the catalog scope, renumbers items densely, resolves image paths and fills
/// the report. Shared by every loader so they agree on these rules.</summary>
internal sealed class LoadedDataBuilder
{
    public IdMap Items { get; } = new();
    private readonly List<string> _titles = new(), _texts = new();
    public IdMap Users { get; } = new();
    public DataReport Report { get; } = new();

    private readonly List<int> _user = new(), _item = new();
    private readonly List<long> _timestamp = new();
    private readonly List<float> _rating = new();
    private List<string>? _review;

    /// <summary>Adds an item row; false (nothing added) when the id is already present.</summary>
    public bool TryAddItem(ReadOnlySpan<char> id, string title, string text)
    {
        if (!Items.TryAdd(id, out _)) return false;
        _titles.Add(title);
        _texts.Add(text);
        return true;
    }

    /// <summary>The index of item <paramref name="id"/>, adding it with no title or text when new (for data
    /// without an item file).</summary>
    public int GetOrAddBareItem(ReadOnlySpan<char> id)
    {
        if (Items.TryGetIndex(id, out int index)) return index;
        TryAddItem(id, "", "");
        return Items.Count - 1;
    }

    /// <summary>Adds an event; <paramref name="item"/> is an index into <see cref="Items"/>. Give
    /// <paramref name="review"/> for every event or for none.</summary>
    public void AddEvent(ReadOnlySpan<char> user, int item, long timestamp, float rating, string? review = null)
    {
        StartReviews(review is not null, 1);
        _user.Add(Users.GetOrAdd(user));
        _item.Add(item);
        _timestamp.Add(timestamp);
        _rating.Add(rating);
        _review?.Add(review!);
    }

    /// <summary>Adds <paramref name="events"/> in order: users numbered one by one (their table slots prefetched a few
    /// events ahead, from the hashes the parsing thread computed), the other columns copied in bulk.</summary>
    public void AddEvents(ParsedEvents events)
    {
        var reviews = events.Reviews;
        StartReviews(!reviews.IsEmpty, events.Count);
        var hashes = events.UserHashes;
        const int Ahead = 8;
        for (int e = 0; e < Math.Min(Ahead, hashes.Length); e++) Users.PrefetchSlot(hashes[e]);
        for (int e = 0; e < hashes.Length; e++)
        {
            if (e + Ahead < hashes.Length) Users.PrefetchSlot(hashes[e + Ahead]);
            _user.Add(Users.GetOrAdd(events.User(e), hashes[e]));
        }
        _item.AddRange(events.Items);
        _timestamp.AddRange(events.Timestamps);
        _rating.AddRange(events.Ratings);
        if (_review is not null) foreach (var r in reviews) _review.Add(r!);
    }

    private void StartReviews(bool given, int count)
    {
        if (count == 0) return;
        if (given && _user.Count == 0) _review = [];
        if (given != (_review is not null)) throw new InvalidOperationException("Review texts must be given for every event or for none.");
    }

    public int EventCount => _user.Count;

    /// <summary>Room for <paramref name="events"/> events by <paramref name="users"/> users in all (an estimate made part
    /// way through a file; the users' id lengths as in those added so far): growing tables of millions of entries copy
    /// and rehash them several times.</summary>
    public void Reserve(long events, long users)
    {
        int e = (int)Math.Clamp(events, 0, Array.MaxLength), u = (int)Math.Clamp(users, 0, Array.MaxLength);
        _user.EnsureCapacity(e); _item.EnsureCapacity(e); _timestamp.EnsureCapacity(e); _rating.EnsureCapacity(e);
        _review?.EnsureCapacity(e);
        double charsPerId = Users.Count == 0 ? 0 : (double)Users.CharCount / Users.Count;
        Users.EnsureCapacity(u, (long)(u * charsPerId));
    }

    /// <summary>Builds the data set. Items keep the order in which they were added (item file order); users the
    /// order of their first event.</summary>
    public LoadedData Build(CatalogScope catalog, ImagePathTemplate? images, string baseDirectory)
    {
        int itemCount = Items.Count;
        var interacted = new bool[itemCount];
        foreach (int i in _item) interacted[i] = true;
        int withoutInteractions = interacted.Count(b => !b);
        Report.Set("items_without_interactions", withoutInteractions);

        var newIndex = new int[itemCount];
        var ids = new List<string>(itemCount);
        for (int i = 0; i < itemCount; i++)
        {
            if (catalog == CatalogScope.Interacted && !interacted[i]) { newIndex[i] = -1; continue; }
            newIndex[i] = ids.Count;
            ids.Add(Items[i]);
        }
        var titles = new string[ids.Count];
        var texts = new string[ids.Count];
        for (int i = 0; i < itemCount; i++)
            if (newIndex[i] >= 0) { titles[newIndex[i]] = _titles[i]; texts[newIndex[i]] = _texts[i]; }

        var item = _item.ToArray();
        for (int k = 0; k < item.Length; k++) item[k] = newIndex[item[k]];

        var imagePaths = new string[ids.Count];
        Array.Fill(imagePaths, "");
        if (images is not null)
        {
            long found = 0;
            for (int i = 0; i < ids.Count; i++)
            {
                var path = Path.GetFullPath(Path.Combine(baseDirectory, images.Expand(ids[i])));
                if (File.Exists(path)) { imagePaths[i] = path; found++; }
            }
            Report.Set("images_found", found);
            Report.Set("images_missing", ids.Count - found);
        }

        var idArray = ids.ToArray();
        var table = DataViews.ColumnarDataView.Create(idArray.Length)
            .AddText(ItemColumns.ItemId, idArray)
            .AddText(ItemColumns.Title, titles)
            .AddText(ItemColumns.Text, texts)
            .AddText(ItemColumns.ImagePath, imagePaths);
        var events = new Interactions(_user.ToArray(), item, _timestamp.ToArray(), _rating.ToArray(), _review?.ToArray());
        Report.Set("users", Users.Count);
        Report.Set("items", idArray.Length);
        Report.Set("interactions", events.Count);
        return new LoadedData(Users, new IdMap(idArray), table, events, Report);
    }
}
