using BlairClip.ML.Core;
using BlairClip.ML.Data;
using BlairClip.ML.Experiments;
using BlairClip.ML.Experiments.Yaml;

namespace BlairClip.Cli.Commands;

/// <summary>Turns expected failures (bad spec, bad data, bad model file) into one clear line and exit code 2.
/// Anything else is a bug: its message is printed first, and the stack trace only with BLAIRCLIP_DEBUG=1.</summary>
internal static class Errors
{
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (StudyStoppedException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return e.InnerException is OperationCanceledException ? 130 : Expected(e.InnerException!) ? 2 : 1;
        }
        catch (OperationCanceledException e)
        {
            Console.Error.WriteLine($"error: {e.Message}; nothing was written.");
            return 130;
        }
        catch (Exception e) when (Expected(e))
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: unexpected {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("BLAIRCLIP_DEBUG") == "1") Console.Error.WriteLine(e);
            else Console.Error.WriteLine("(set BLAIRCLIP_DEBUG=1 for the stack trace)");
            return 1;
        }
    }

    /// <summary>A failure of the input or the environment, not a bug: its message is the whole report.</summary>
    private static bool Expected(Exception e) => e is SpecException or DataFormatException or InvalidOptionException or SchemaMismatchException or InvalidDataException
        or IOException or KeyNotFoundException or NotSupportedException or UnauthorizedAccessException or BlairClip.Towers.Training.TrainingDivergedException;
}
