namespace BlairClip.ML.Data;

/// <summary>What a loader does with a line it cannot read (YAML <c>on_bad_line: error | skip</c>).</summary>
public enum BadLinePolicy
{
    /// <summary>Stop with a <see cref="DataFormatException"/> naming the file, line and column.</summary>
    Error,
    /// <summary>Skip the line and count it in the <see cref="DataReport"/> (<c>…_bad_lines_skipped</c>).</summary>
    Skip,
}

/// <summary>Which items form the catalog (YAML <c>catalog: interacted | all</c>).</summary>
public enum CatalogScope
{
    /// <summary>Only items with at least one interaction; the others are counted as
    /// <c>items_without_interactions</c>.</summary>
    Interacted,
    /// <summary>Every item of the item table, interacted or not (cold items become rankable candidates).</summary>
    All,
}
