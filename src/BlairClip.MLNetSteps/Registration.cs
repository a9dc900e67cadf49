using System.Runtime.CompilerServices;

namespace BlairClip.MLNetSteps;

/// <summary>Loads the ML.NET assemblies these steps save transformers from as soon as this assembly loads (the
/// pipeline-step scan loads it), so that ML.NET's component catalog — which registers loaders from the assemblies
/// loaded in the process — can read those transformers back from a model zip.</summary>
internal static class Registration
{
    [ModuleInitializer]
    internal static void LoadMLNetComponents()
    {
        RuntimeHelpers.RunClassConstructor(typeof(Microsoft.ML.Data.ImageLoadingTransformer).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(Microsoft.ML.Transforms.Onnx.OnnxTransformer).TypeHandle);
    }
}
