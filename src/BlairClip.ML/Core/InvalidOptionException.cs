namespace BlairClip.ML.Core;

/// <summary>An option value outside its valid range. The message names the option (as written in YAML), the
/// expectation and the actual value, e.g. "`factors` must be positive, but was 0"; the study runner prefixes the
/// file that set it.</summary>
public sealed class InvalidOptionException(string option, object? value, string expectation)
    : ArgumentException($"`{option}` {expectation}, but was {Format(value)}")
{
    public string Option { get; } = option;
    public object? Value { get; } = value;

    private static string Format(object? v) => v switch
    {
        null => "null",
        string s => $"'{s}'",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    /// <summary>Throws unless <paramref name="ok"/>.</summary>
    public static void Check(bool ok, string option, object? value, string expectation)
    {
        if (!ok) throw new InvalidOptionException(option, value, expectation);
    }
}
