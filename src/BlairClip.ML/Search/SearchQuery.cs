namespace BlairClip.ML.Search;

/// <summary>What a query holds.</summary>
public enum QueryKind
{
    /// <summary>A description, embedded as an item whose text is the query.</summary>
    Text,
    /// <summary>An image file, embedded as an item whose photo it is.</summary>
    Image,
}

/// <summary>A search: a text, an image path, or both. With both, the query embedding is the normalised
/// <c>TextWeight · t + (1 − TextWeight) · i</c> of the normalised text and image embeddings.</summary>
public sealed record SearchQuery(string? Text, string? ImagePath, float TextWeight = SearchQuery.DefaultTextWeight)
{
    /// <summary>Text and image count equally unless told otherwise (the seed project's first pass).</summary>
    public const float DefaultTextWeight = 0.5f;

    /// <summary>The kinds this query holds.</summary>
    public IEnumerable<QueryKind> Kinds
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(Text)) yield return QueryKind.Text;
            if (!string.IsNullOrWhiteSpace(ImagePath)) yield return QueryKind.Image;
        }
    }

    /// <exception cref="Core.InvalidOptionException">Neither text nor image, or a weight outside [0, 1].</exception>
    public void Validate()
    {
        if (!Kinds.Any()) throw new Core.InvalidOptionException("query", null, "needs a text, an image or both");
        if (!(TextWeight >= 0 && TextWeight <= 1)) throw new Core.InvalidOptionException("text_weight", TextWeight, "must be in [0, 1]");
    }
}

/// <summary>Re-rank the first pass's top <paramref name="Candidates"/> with another text weight (the seed project's second
/// pass weighs text 0.9 over image 0.1).</summary>
public sealed record Rerank(int Candidates, float TextWeight)
{
    /// <summary>Parses <c>K:w</c> (e.g. <c>50:0.9</c>).</summary>
    /// <exception cref="Core.InvalidOptionException">Not of that form, K &lt; 1 or w outside [0, 1].</exception>
    public static Rerank Parse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length == 2 && int.TryParse(parts[0], out int k) && k >= 1
            && float.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out float w) && w >= 0 && w <= 1)
            return new Rerank(k, w);
        throw new Core.InvalidOptionException("--rerank", text, "must be K:w with K ≥ 1 candidates and a text weight w in [0, 1] (e.g. 50:0.9)");
    }
}

/// <summary>One search result: catalog row, id, title, score (the cosine of the query and the item in the model's space).</summary>
public sealed record SearchHitItem(int Item, string ItemId, string? Title, float Score);

/// <summary>A model cannot embed the query it was given; the message says why (e.g. its image features are precomputed).</summary>
public sealed class QueryNotSupportedException(string message) : NotSupportedException(message);

/// <summary>Which of a model's item vectors a search ranks.</summary>
public enum ItemSide
{
    /// <summary>The vectors the model recommends with.</summary>
    Model,
    /// <summary>The projected item texts (BLaIR-CLIP).</summary>
    Text,
    /// <summary>The projected item images (BLaIR-CLIP): text → image retrieval.</summary>
    Image,
    /// <summary>Per item, the normalised sum of its projected text and image (BLaIR-CLIP).</summary>
    Combined,
}
