using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace BlairClip.ML.DataViews;

/// <summary>Schema shapes for <c>GetOutputSchema(SchemaShape)</c> and for validating a pipeline before any data is
/// read. ML.NET 5.0.1 makes <c>SchemaShape.Create(DataViewSchema)</c> and the constructor of
/// <see cref="SchemaShape.Column"/> internal; the one public way to obtain a column shape for a type decided at run
/// time is to ask a built-in: a <c>CustomMapping</c> estimator declares the columns of its output
/// <see cref="SchemaDefinition"/> (whose names, types and annotations can be set at run time) without reading data.
/// So a column shape here is exactly what ML.NET itself declares for that column.</summary>
public static class SchemaShapes
{
    private static readonly MLContext Shapes = new(seed: 0);
    private static readonly MethodInfo ShapeOfMethod = typeof(SchemaShapes).GetMethod(nameof(ShapeOf), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo AnnotateMethod = typeof(SchemaShapes).GetMethod(nameof(Annotate), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>The shape of <paramref name="schema"/> (its visible columns, with their KeyValues/SlotNames and other annotations).</summary>
    public static SchemaShape Of(DataViewSchema schema) =>
        new(schema.Where(c => !c.IsHidden).Select(c => Column(c.Name, c.Type, c.Annotations)));

    /// <summary><paramref name="input"/> with <paramref name="columns"/> added (replacing columns of those names).</summary>
    public static SchemaShape With(SchemaShape input, params (string Name, DataViewType Type)[] columns)
    {
        var names = columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        return new SchemaShape([.. input.Where(c => !names.Contains(c.Name)), .. columns.Select(c => Column(c.Name, c.Type, null))]);
    }

    /// <summary>An output <see cref="DataViewSchema"/>: <paramref name="input"/> followed by <paramref name="columns"/>
    /// (which hide input columns of the same name, as in every ML.NET transform).</summary>
    public static DataViewSchema With(DataViewSchema input, params (string Name, DataViewType Type)[] columns)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var (name, type) in columns) builder.AddColumn(name, type);
        return builder.ToSchema();
    }

    /// <summary>The shape ML.NET declares for a column <paramref name="name"/> of <paramref name="type"/>.</summary>
    public static SchemaShape.Column Column(string name, DataViewType type, DataViewSchema.Annotations? annotations) =>
        (SchemaShape.Column)ShapeOfMethod.MakeGenericMethod(type.RawType).Invoke(null, [name, type, annotations])!;

    private static SchemaShape.Column ShapeOf<T>(string name, DataViewType type, DataViewSchema.Annotations? annotations)
    {
        var definition = SchemaDefinition.Create(typeof(Holder<T>));
        definition[0].ColumnName = name;
        definition[0].ColumnType = type;
        if (annotations is not null)
            foreach (var a in annotations.Schema)
                AnnotateMethod.MakeGenericMethod(a.Type.RawType).Invoke(null, [definition[0], annotations, a]);
        var estimator = Shapes.Transforms.CustomMapping<NoInput, Holder<T>>((_, _) => { }, contractName: null, outputSchemaDefinition: definition);
        return estimator.GetOutputSchema(new SchemaShape([])).Single(c => c.Name == name);
    }

    private static void Annotate<TValue>(SchemaDefinition.Column column, DataViewSchema.Annotations annotations, DataViewSchema.Column annotation)
    {
        TValue value = default!;
        annotations.GetGetter<TValue>(annotation)(ref value);
        column.AddAnnotation(annotation.Name, value, annotation.Type);
    }

    private sealed class NoInput;

    private sealed class Holder<T>
    {
        public T Value = default!;
    }
}
