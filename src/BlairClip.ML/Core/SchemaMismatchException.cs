namespace BlairClip.ML.Core;

/// <summary>Thrown when a pipeline's input does not have the columns a component needs. Raised by
/// <c>GetOutputSchema</c> (and the pipeline's check of the whole chain), i.e. before any fitting starts.</summary>
public sealed class SchemaMismatchException(string message) : InvalidOperationException(message);
