using BlairClip.ML.Search;
using BlairClip.Towers.Encoding;

namespace BlairClip.Towers.Search;

/// <summary>A query through the checkpoint a <see cref="TowerEmbeddings"/> column was computed with — its text tower, or
/// for a CLIP checkpoint also its image tower (text and image embeddings share CLIP's space: zero-shot search). The
/// tower is loaded on first use and kept (a server encodes many queries); the checkpoint must still be the one the
/// model was fitted on (its weights' SHA-256 is compared).</summary>
public sealed class TowerQueryEncoder : IQueryEncoder
{
    private readonly QueryKind _kind;
    private readonly string _dir;
    private ITextTower? _text;
    private IImageTower? _image;
    private readonly object _gate = new();

    private TowerQueryEncoder(QueryKind kind, string dir) { _kind = kind; _dir = dir; }

    /// <exception cref="QueryNotSupportedException">The checkpoint is gone or changed, or has no tower for this query kind.</exception>
    public static TowerQueryEncoder For(TowerEmbeddings step, QueryKind kind)
    {
        var dir = step.Checkpoint.Path;
        if (!Directory.Exists(dir))
            throw new QueryNotSupportedException($"the item column '{step.OutputColumn}' was computed with the checkpoint {dir}, which is not there now; embedding a query needs it");
        var now = CheckpointFingerprint.WeightsSha256(dir);
        if (now != step.Checkpoint.Sha256)
            throw new QueryNotSupportedException($"the checkpoint {dir} changed since the model was fitted (weights SHA-256 {now[..12]}…, the model's {step.Checkpoint.Sha256[..Math.Min(12, step.Checkpoint.Sha256.Length)]}…); queries would not match the items");
        var type = PretrainedTowers.ModelType(dir);
        bool clip = type is "clip";
        if (kind == QueryKind.Image && !(clip || type == "clip_vision_model" && step.Tower == TowerKind.Image))
            throw new QueryNotSupportedException($"the item column '{step.OutputColumn}' comes from a {type} text tower ({dir}); it has no image tower for an image query");
        if (kind == QueryKind.Text && !(clip || step.Tower == TowerKind.Text))
            throw new QueryNotSupportedException($"the item column '{step.OutputColumn}' comes from a {type} image tower ({dir}) without a text tower; a text query needs a full CLIP checkpoint");
        return new TowerQueryEncoder(kind, dir);
    }

    public float[] Encode(string input)
    {
        lock (_gate)
        {
            if (_kind == QueryKind.Text)
            {
                _text ??= PretrainedTowers.LoadTextTower(_dir);
                return _text.EncodeTexts([input]);
            }
            _image ??= PretrainedTowers.LoadImageTower(_dir);
            var pixels = new float[_image.Processor.ValuesPerImage];
            var errors = _image.Processor.PreprocessFiles([input], pixels);
            if (errors[0] is { } e) throw new InvalidDataException($"{input}: cannot read the query image ({e.Message}).", e);
            return _image.EncodeImages(pixels, 1);
        }
    }

    public void Dispose()
    {
        _text?.Dispose();
        _image?.Dispose();
    }
}
