using System.CommandLine;
using BlairClip.ML.Core;
using BlairClip.ML.Evaluation;
using BlairClip.ML.Experiments;
using BlairClip.ML.Experiments.Yaml;
using BlairClip.ML.Models;
using BlairClip.ML.Reporting;
using Spectre.Console;

namespace BlairClip.Cli.Commands;

/// <summary><c>blairclip evaluate --model ZIP SPEC.yaml</c>: scores a saved model on a study's split.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "A model zip written by `run`.", Required = true };
        var spec = new Argument<string>("spec") { Description = "Study file whose data, split and evaluation settings to use." };
        var set = new Option<string[]>("--set") { Description = "Override a study key: key.path=value (repeatable)." };
        var cmd = new Command("evaluate", "Score a saved model on a study's split with the shared evaluator.");
        cmd.Arguments.Add(spec);
        cmd.Options.Add(model);
        cmd.Options.Add(set);
        cmd.SetAction(p => Errors.Guard(() =>
        {
            var loaded = ModelArchive.Load(p.GetValue(model)!);
            var doc = SpecDocument.Load(p.GetValue(spec)!);
            foreach (var o in p.GetValue(set) ?? []) doc.ApplyOverride(o);
            var study = StudyData.Prepare(doc, new StageTimes());
            var aligned = new CatalogAlignedRecommender(loaded, study.Data.Users, study.Data.Items);
            if (aligned.UnknownItems == study.Data.Items.Count)
                throw new InvalidDataException($"{p.GetValue(model)}: none of the study's {study.Data.Items.Count} items is in the model's catalog "
                    + $"({loaded.Items.Count} items); the model cannot be evaluated on this study.");
            if (aligned.UnknownItems > 0)
                Console.Error.WriteLine($"warning: {aligned.UnknownItems} of the study's {study.Data.Items.Count} items are not in the model's catalog; they rank last.");
            if (aligned.UnknownUsers > 0)
                Console.Error.WriteLine($"warning: {aligned.UnknownUsers} of the study's users were not in the model's training data.");
            // A held-out item the model has never seen cannot be ranked (it would tie with every unknown item): such users
            // are left out and counted, not scored as hits.
            var cases = study.Split.Test.Where(c => aligned.KnowsItem(c.Item)).ToList();
            if (cases.Count < study.Split.Test.Count)
                Console.Error.WriteLine($"warning: {study.Split.Test.Count - cases.Count} of {study.Split.Test.Count} test users skipped: their held-out item is not in the model's catalog.");
            if (cases.Count == 0)
                throw new InvalidDataException($"{p.GetValue(model)}: no test user's held-out item is in the model's catalog; nothing to evaluate.");
            var context = new BlairClipContext(study.Spec.Seed);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var evaluation = context.Evaluation.Ranking(study.Spec.Evaluation).Evaluate(aligned, cases, study.TestHistories);
            var result = new StudyResult(study.Spec.Name, [new ModelResult(loaded.Name, loaded.Pipeline, evaluation, 0, watch.Elapsed.TotalSeconds)],
                study.Data.Users, study.Data.Items);
            Tables.Write(result);
            return 0;
        }));
        return cmd;
    }
}
