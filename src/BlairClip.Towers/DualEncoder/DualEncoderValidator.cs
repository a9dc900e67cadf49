using BlairClip.ML.Core;
using BlairClip.ML.Evaluation;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Split;
using BlairClip.Towers.Training;

namespace BlairClip.Towers.DualEncoder;


/// <summary>Validates the dual encoder during training for the shared <see cref="Trainer"/>: the validation contrastive
/// loss on (last training item → validation item) pairs, and Recall@10 of the model as it would be saved (the mode's item
/// vectors, scored like <see cref="EmbeddingModel"/>) through the shared ranking evaluator.</summary>
internal sealed class DualEncoderValidator : ITrainingValidator
{
    private readonly DualEncoderFeatures _features;
    private readonly DualEncoderObjective _objective;
    private readonly BlairClipOptions _options;
    private readonly RankingEvaluator _evaluator;
    private readonly HeldOutItem[] _cases;
    private readonly UserHistories _histories;
    private readonly (int A, int B)[] _pairs;

    public DualEncoderValidator(BlairClipContext context, DualEncoderFeatures features, DualEncoderObjective objective, BlairClipOptions options,
        Interactions train, UserHistories histories, Interactions validation)
    {
        _features = features; _objective = objective; _options = options; _histories = histories;
        _evaluator = context.Evaluation.Ranking(new RankingEvaluationOptions { Metrics = ["Recall@10"] });
        _cases = Enumerable.Range(0, validation.Count).Select(k => new HeldOutItem(validation.User[k], validation.Item[k], validation.Timestamp[k])).ToArray();
        // The user's last training item (latest timestamp, then last in file order) → the validation item.
        var last = new int[histories.UserCount];
        var lastTime = new long[histories.UserCount];
        Array.Fill(last, -1);
        for (int k = 0; k < train.Count; k++)
        {
            int u = train.User[k];
            if (last[u] < 0 || train.Timestamp[k] >= lastTime[u]) { last[u] = train.Item[k]; lastTime[u] = train.Timestamp[k]; }
        }
        _pairs = _cases.Where(c => (uint)c.User < (uint)last.Length && last[c.User] >= 0).Select(c => (last[c.User], c.Item)).ToArray();
    }

    public (double Loss, double RecallAt10) Evaluate()
    {
        var vectors = _features.ItemVectors(_options.Mode);
        var model = new EmbeddingModel(new EmbeddingRecommenderOptions { Mode = EmbeddingMode.Text, Normalize = false },
            [ItemMatrix.FromDense(_options.ProjectionDim, vectors)], [1f], []);
        double recall = _evaluator.Evaluate(model, _cases, _histories).Metrics["Recall@10"];
        return (_objective.PairLoss(_pairs), recall);
    }
}
