using BlairClip.ML.Core;
using BlairClip.ML.Experiments;
using BlairClip.ML.Models;
using BlairClip.ML.Search;
using BlairClip.ML.Text;
using BlairClip.Towers.DualEncoder;
using BlairClip.Towers.Encoding;
using BlairClip.Towers.Search;
using FluentAssertions;

namespace BlairClip.Towers.Tests.Search;

/// <summary>Search through towers: zero-shot CLIP (a text or an image query against the items' CLIP image embeddings,
/// through the checkpoint the model was fitted with) and BLaIR-CLIP's heads.</summary>
public sealed class TowerSearchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("blairclip-tower-search").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    public TowerSearchTests() => TowerSearch.Register();

    private static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures");
    private static string Photo(string name) => Path.Combine(Fixtures, "encoding", name + ".png");

    private static float Cos(float[] a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int k = 0; k < a.Length; k++) { dot += a[k] * b[k]; na += a[k] * a[k]; nb += b[k] * b[k]; }
        return (float)(dot / Math.Sqrt(na * nb));
    }

    private static float[] Unit(float[] v) { var n = MathF.Sqrt(v.Sum(x => x * x)); return v.Select(x => x / n).ToArray(); }

    [Fact]
    public void Zero_shot_CLIP_scores_text_image_and_both_against_the_item_image_embeddings()
    {
        var run = StudyRunner.Run(Path.Combine(Fixtures, "tiny-clip-study", "study.yaml"), new StudyRunOptions { OutputDirectory = Path.Combine(_dir, "run") });
        var model = ModelArchive.Load(Path.Combine(run.OutputDirectory, "models", "CLIP.zip"));
        var search = ModelSearch.For(model);
        search.Supports(QueryKind.Text, out _).Should().BeTrue();
        search.Supports(QueryKind.Image, out _).Should().BeTrue();

        var items = model.Fitted.ItemTransformers.OfType<TowerEmbeddings>().Single();
        int d = items.Dimension;
        using var text = PretrainedTowers.LoadTextTower(Path.Combine(Fixtures, "tiny-clip"));
        using var image = PretrainedTowers.LoadImageTower(Path.Combine(Fixtures, "tiny-clip"));
        var t = Unit(text.EncodeTexts(["banana shampoo"]));
        var pixels = new float[image.Processor.ValuesPerImage];
        image.Processor.PreprocessFiles([Photo("synthetic_portrait_downscale")], pixels);
        var i = Unit(image.EncodeImages(pixels, 1));
        var both = Unit(t.Zip(i, (a, b) => 0.3f * a + 0.7f * b).ToArray());

        foreach (var (query, vector) in new[] { (new SearchQuery("banana shampoo", null), t),
            (new SearchQuery(null, Photo("synthetic_portrait_downscale")), i), (new SearchQuery("banana shampoo", Photo("synthetic_portrait_downscale"), 0.3f), both) })
        {
            var scores = search.Scores(query);
            for (int k = 0; k < model.Items.Count; k++)
                scores[k].Should().BeApproximately(Cos(vector, items.Embeddings.Slice(items.ItemIds.ToList().IndexOf(model.Items[k]) * d, d)), 1e-4f, $"{query} item {k}");
        }
        // The item whose photo is the query ranks first.
        search.Search(new SearchQuery(null, Photo("synthetic_portrait_downscale")), 1)[0].ItemId.Should().Be("synthetic_portrait_downscale");

        // Re-ranking: the first pass's top 3 at text weight 1, re-scored with text weight 0.
        var first = search.Search(new SearchQuery("banana shampoo", Photo("synthetic_portrait_downscale"), 1f), 3);
        var again = search.Search(new SearchQuery("banana shampoo", Photo("synthetic_portrait_downscale"), 1f), 3, new Rerank(3, 0f));
        again.Select(h => h.ItemId).Should().BeEquivalentTo(first.Select(h => h.ItemId));
        again.Select(h => h.Score).Should().BeInDescendingOrder();
        var imageOnly = search.Scores(new SearchQuery(null, Photo("synthetic_portrait_downscale")));
        foreach (var h in again) h.Score.Should().BeApproximately(imageOnly[h.Item], 1e-5f);
    }

    [Fact]
    public void A_changed_or_missing_checkpoint_is_refused_for_queries()
    {
        var ckpt = Path.Combine(_dir, "ckpt");
        Directory.CreateDirectory(ckpt);
        foreach (var f in Directory.GetFiles(Path.Combine(Fixtures, "tiny-clip"))) File.Copy(f, Path.Combine(ckpt, Path.GetFileName(f)));
        var study = Path.Combine(_dir, "study");
        Directory.CreateDirectory(study);
        foreach (var f in Directory.GetFiles(Path.Combine(Fixtures, "tiny-clip-study"))) File.Copy(f, Path.Combine(study, Path.GetFileName(f)));
        Directory.CreateDirectory(Path.Combine(_dir, "encoding"));
        foreach (var f in Directory.GetFiles(Path.Combine(Fixtures, "encoding"))) File.Copy(f, Path.Combine(_dir, "encoding", Path.GetFileName(f)));
        File.WriteAllText(Path.Combine(study, "study.yaml"), File.ReadAllText(Path.Combine(study, "study.yaml")).Replace("../tiny-clip", "../ckpt"));
        var run = StudyRunner.Run(Path.Combine(study, "study.yaml"), new StudyRunOptions { OutputDirectory = Path.Combine(_dir, "run") });
        var zip = Path.Combine(run.OutputDirectory, "models", "CLIP.zip");

        var weights = Path.Combine(ckpt, "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 1;
        File.WriteAllBytes(weights, bytes);
        var search = ModelSearch.For(ModelArchive.Load(zip));
        search.Supports(QueryKind.Text, out var why).Should().BeFalse();
        why.Should().Contain("changed since the model was fitted");

        Directory.Delete(ckpt, true);
        ModelSearch.For(ModelArchive.Load(zip)).Supports(QueryKind.Image, out why).Should().BeFalse();
        why.Should().Contain("is not there now");
    }

    [Fact]
    public void BLaIR_CLIP_embeds_a_text_query_through_its_text_head_and_says_why_it_cannot_take_an_image()
    {
        var (data, _, _) = Training.BlairClipEstimatorTests.Catalog();
        var ctx = new BlairClipContext();
        var chain = new RecommenderPipeline([ctx.Transforms.TfIdf()],
            ctx.Recommenders.BlairClip(Training.BlairClipEstimatorTests.Options with { TextColumn = "Features", Epochs = 3 })).Fit(data);
        var saved = new RecommenderModel("BC", "blair-clip", chain, data.Users, data.Items, data.Items.Ids.ToArray(), data.TrainHistories);
        var zip = Path.Combine(_dir, "bc.zip");
        ModelArchive.Save(saved, zip);
        var model = ModelArchive.Load(zip);
        var bc = (BlairClipModel)model.Recommender;
        bc.TextColumn.Should().Be("Features");

        var search = ModelSearch.For(model, ItemSide.Text);
        // An item's own text as the query is its own projected text vector: cosine 1, ranked first.
        var hits = search.Search(new SearchQuery("text i17", null), 3);
        hits[0].ItemId.Should().Be("i17");
        hits[0].Score.Should().BeApproximately(1f, 1e-4f);
        // The default side is the model's combined vectors; the image side is the projected images.
        ModelSearch.For(model, ItemSide.Image).Search(new SearchQuery("text i17", null), 60).Should().HaveCount(60);
        search.Supports(QueryKind.Image, out var why).Should().BeFalse();
        why.Should().Contain("'I'").And.Contain("comes with the data");
    }
}
