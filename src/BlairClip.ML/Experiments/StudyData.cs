using System.Diagnostics;
using BlairClip.ML.Core;
using BlairClip.ML.Data;
using BlairClip.ML.Experiments.Yaml;
using BlairClip.ML.Features;
using BlairClip.ML.Split;
using YamlDotNet.RepresentationModel;

namespace BlairClip.ML.Experiments;

/// <summary>Wall time per named stage, in order.</summary>
public sealed class StageTimes
{
    private readonly List<KeyValuePair<string, double>> _stages = new();
    public IReadOnlyList<KeyValuePair<string, double>> Stages => _stages;

    /// <summary>Runs <paramref name="work"/> and records its wall time under <paramref name="stage"/>.</summary>
    public T Time<T>(string stage, Func<T> work)
    {
        var sw = Stopwatch.StartNew();
        var result = work();
        _stages.Add(new(stage, sw.Elapsed.TotalSeconds));
        return result;
    }

    /// <summary>Records <paramref name="seconds"/> measured elsewhere under <paramref name="stage"/>.</summary>
    public void Add(string stage, double seconds) => _stages.Add(new(stage, seconds));
}

/// <summary>A study's data after loading, filtering and splitting: what every model is fitted and scored on.</summary>
public sealed class StudyData
{
    public required StudySpec Spec { get; init; }
    public required SpecDocument Document { get; init; }
    public required LoadedData Data { get; init; }
    public required DataSplit Split { get; init; }
    /// <summary>Training data every pipeline is fitted on.</summary>
    public required RecDataset Train { get; init; }
    /// <summary>Items masked (and used as profiles) when scoring test users: training plus validation.</summary>
    public required UserHistories TestHistories { get; init; }
    public required StageTimes Times { get; init; }

    /// <summary>Binds <paramref name="doc"/> and runs the data stages: load → filter → split.</summary>
    /// <exception cref="SpecException">A key, value or file in the study is wrong; the message names it.</exception>
    public static StudyData Prepare(SpecDocument doc, StageTimes times, BlairClipContext? context = null)
    {
        var spec = doc.Binder.Bind<StudySpec>(doc.Root, "");
        context ??= new BlairClipContext(spec.Seed);
        var loaded = times.Time("load", () => Load(spec.Data, doc, context));
        var filtered = times.Time("filter", () => context.Data.Filter(loaded, spec.Filter));
        (filtered, var split) = times.Time("split", () => SplitData(spec.Split, filtered, doc, context));
        var validation = new Interactions(
            split.Validation.Select(v => v.User).ToArray(), split.Validation.Select(v => v.Item).ToArray(),
            split.Validation.Select(v => v.Timestamp).ToArray(), split.Validation.Select(_ => float.NaN).ToArray());
        var train = new RecDataset(filtered.Users, filtered.Items, filtered.ItemTable, split.Train, validation);
        var testHistories = split.Validation.Count == 0 ? train.TrainHistories
            : UserHistories.From(split.Train.Concat(validation), filtered.Users.Count);
        return new StudyData
        {
            Spec = spec, Document = doc, Data = filtered, Split = split, Train = train, TestHistories = testHistories, Times = times,
        };
    }

    private static LoadedData Load(YamlMappingNode data, SpecDocument doc, BlairClipContext context)
    {
        var rest = new YamlMappingNode();
        YamlNode? formatNode = null, featuresNode = null;
        foreach (var (k, v) in data.Children)
        {
            if (k is YamlScalarNode { Value: "format" }) formatNode = v;
            else if (k is YamlScalarNode { Value: "item_features" }) featuresNode = v;
            else rest.Children[k] = v;
        }
        if (formatNode is not YamlScalarNode { Value: { } format })
            throw doc.Binder.Error(data, "'data' is missing required key 'format' (amazon2023 | table).");
        try
        {
            var loaded = format switch
            {
                "amazon2023" => context.Data.LoadAmazonReviews(doc.Binder.Bind<AmazonReviewsOptions>(rest, "data"), doc.Directory),
                "table" => context.Data.LoadTable(doc.Binder.Bind<TableOptions>(rest, "data"), doc.Directory),
                _ => throw doc.Binder.Error(formatNode, $"'data.format' must be amazon2023 or table, but was '{format}'."),
            };
            if (featuresNode is null) return loaded;
            var features = doc.Binder.Bind<IReadOnlyList<ItemFeatureSpec>>(featuresNode, "data.item_features");
            try
            {
                return context.Data.AttachItemFeatures(loaded, features, doc.Directory);
            }
            catch (ArgumentException e)
            {
                throw doc.Binder.Error(featuresNode, $"data.item_features: {e.Message}");
            }
        }
        catch (InvalidOptionException e)
        {
            throw doc.Binder.Error(data, $"data: {e.Message}.");
        }
        catch (FileNotFoundException e)
        {
            throw doc.Binder.Error(data, $"data: {e.Message}");
        }
    }

    /// <summary>Leave-one-out over the filtered events, or the official split files read against the filtered catalog
    /// (which then replace the events: the official files define users and interactions).</summary>
    private static (LoadedData, DataSplit) SplitData(SplitSpec split, LoadedData data, SpecDocument doc, BlairClipContext context)
    {
        if (split.Method == SplitMethod.LeaveOneOut)
        {
            if (split.Train is not null || split.Valid is not null || split.Test is not null)
                throw doc.Binder.Error(doc["split"], "'split.train/valid/test' are for 'method: official'; leave_one_out computes its own split.");
            return (data, context.Data.LeaveOneOut(data, new LeaveOneOutOptions { Validation = split.Validation }));
        }
        if (split.Train is null || split.Valid is null || split.Test is null)
            throw doc.Binder.Error(doc["split"], "'split.method: official' needs 'train', 'valid' and 'test' CSV paths.");
        var official = context.Data.LoadOfficialSplit(new OfficialSplitOptions { Train = split.Train, Valid = split.Valid, Test = split.Test }, doc.Directory, data);
        return (official.Data, official.Split);
    }
}
