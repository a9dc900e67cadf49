namespace BlairClip.ML.Core;

/// <summary>Makes an estimator usable as a step of a pipeline YAML (<c>- step: NAME</c> with <c>params</c>).
/// The class must have a public constructor <c>(BlairClipContext, TOptions)</c> where TOptions is
/// <see cref="OptionsType"/>: a record whose init properties are the step's parameters (PascalCase in C#,
/// snake_case in YAML; defaults declared only there).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class PipelineStepAttribute(string name, Type optionsType) : Attribute
{
    public string Name { get; } = name;
    public Type OptionsType { get; } = optionsType;
}
