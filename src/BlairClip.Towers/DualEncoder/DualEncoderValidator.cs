using BlairClip.ML.Core;
using BlairClip.ML.Evaluation;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Split;
using BlairClip.Towers.Training;

namespace BlairClip.Towers.DualEncoder;

/// <summary>One evaluation on the validation split during training.</summary>
/// <param name="Step">Optimizer steps taken so far.</param>
/// <param name="TrainLoss">Mean training loss since the previous evaluation.</param>
/// <param name="Loss">Validation contrastive loss: combined vectors of (last training item → validation item) pairs.</param>
/// <param name="RecallAt10">Validation Recall@10 through the shared evaluator (training history masked).</param>
public sealed record ValidationPoint(int Step, double TrainLoss, double Loss, double RecallAt10);

/// <summary>Validates the dual encoder during training: the validation contrastive loss and Recall@10 of the model as
/// it would be saved (the mode's item vectors, scored like <see cref="EmbeddingModel"/>) through the shared ranking
/// evaluator; remembers the weights of the best Recall@10 (earliest on ties) and says when <c>patience</c> evaluations
/// have passed without improvement.</summary>
internal sealed class DualEncoderValidator
{
    private readonly DualEncoderTrainer _trainer;
    private readonly BlairClipOptions _options;
    private readonly RankingEvaluator _evaluator;
    private readonly HeldOutItem[] _cases;
    private readonly UserHistories _histories;
    private readonly (int A, int B)[] _pairs;
    private readonly List<ValidationPoint> _curve = [];
    private float[][]? _best;
    private int _sinceBest;

    public DualEncoderValidator(BlairClipContext context, DualEncoderTrainer trainer, BlairClipOptions options, Interactions train,
        UserHistories histories, Interactions validation)
    {
        _trainer = trainer; _options = options; _histories = histories;
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

    public IReadOnlyList<ValidationPoint> Curve => _curve;
    /// <summary>The step of the best evaluation, or null before the first.</summary>
    public int? BestStep { get; private set; }

    /// <summary>Evaluates the current heads; true when training should stop (patience exhausted).</summary>
    public bool Evaluate(DualEncoderHeads heads, int step, double trainLoss)
    {
        var vectors = _trainer.ItemVectors(heads, _options.Mode);
        var model = new EmbeddingModel(new EmbeddingRecommenderOptions { Mode = EmbeddingMode.Text, Normalize = false },
            [ItemMatrix.FromDense(_options.ProjectionDim, vectors)], [1f], []);
        double recall = _evaluator.Evaluate(model, _cases, _histories).Metrics["Recall@10"];
        double loss = _trainer.PairLoss(heads, _pairs);
        _curve.Add(new ValidationPoint(step, trainLoss, loss, recall));
        if (BestStep is null || recall > _curve.Where(p => p.Step == BestStep).Single().RecallAt10)
        {
            BestStep = step;
            _best = heads.parameters().Select(p => p.data<float>().ToArray()).ToArray();
            _sinceBest = 0;
            return false;
        }
        _sinceBest++;
        return _options.Patience > 0 && _sinceBest >= _options.Patience;
    }

    /// <summary>Puts the best evaluation's weights back into <paramref name="heads"/>.</summary>
    public void RestoreBest(DualEncoderHeads heads)
    {
        if (_best is null) return;
        using var _ = torch.no_grad();
        foreach (var (p, values) in heads.parameters().Zip(_best))
        {
            using var t = torch.tensor(values, p.shape);
            p.copy_(t);
        }
    }
}
