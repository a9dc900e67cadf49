using BlairClip.ML.Text.Tokenizers;
using FluentAssertions;

namespace BlairClip.ML.Tests.Text.Tokenizers;

public class TokenizerLoaderTests
{
    public static TheoryData<string, int[]> RobertaCases => TokenizerFixtures.RobertaCases();
    public static TheoryData<string, int[], int[]> ClipCases => TokenizerFixtures.ClipCases();

    private static readonly Lazy<ITextTokenizer> RobertaFromJson = new(() =>
    {
        var dir = TokenizerFixtures.TempDir();
        TokenizerFixtures.WriteTokenizerJson(Path.Combine(dir, "tokenizer.json"), TokenizerFixtures.Dir("roberta-base", "vocab.json"),
            TokenizerFixtures.Dir("roberta-base", "merges.txt"), mergesAsPairs: false, endOfWordSuffix: null,
            [new("<s>", 0), new("<pad>", 1), new("</s>", 2), new("<unk>", 3), new("<mask>", 50264, LStrip: true)]);
        return TokenizerLoader.FromFolder(dir);
    });

    private static readonly Lazy<ITextTokenizer> ClipFromJson = new(() =>
    {
        var dir = TokenizerFixtures.TempDir();
        TokenizerFixtures.WriteTokenizerJson(Path.Combine(dir, "tokenizer.json"), TokenizerFixtures.Dir("clip", "vocab.json"),
            TokenizerFixtures.Dir("clip", "merges.txt"), mergesAsPairs: true, endOfWordSuffix: "</w>",
            [new("<|startoftext|>", 49406), new("<|endoftext|>", 49407)]);
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"model_type": "clip"}""");
        return TokenizerLoader.FromFolder(dir);
    });

    [Theory]
    [MemberData(nameof(RobertaCases))]
    public void FromFolder_RobertaTokenizerJsonOnly_SameIdsAsGolden(string text, int[] expected)
    {
        RobertaFromJson.Value.Should().BeOfType<RobertaTokenizer>();
        RobertaFromJson.Value.Encode(text, addSpecialTokens: false).Should().Equal(expected);
    }

    [Fact]
    public void FromFolder_RobertaTokenizerJson_MaskLStripFromAddedTokens() =>
        RobertaFromJson.Value.Encode("Test sentence with <mask>.").Should().Equal(0, 34603, 3645, 19, 50264, 4, 2);

    [Theory]
    [MemberData(nameof(ClipCases))]
    public void FromFolder_ClipTokenizerJsonWithPairMerges_SameIdsAsGolden(string text, int[] withoutSpecial, int[] withSpecial)
    {
        ClipFromJson.Value.Should().BeOfType<ClipTokenizer>();
        ClipFromJson.Value.Encode(text, addSpecialTokens: false).Should().Equal(withoutSpecial);
        ClipFromJson.Value.Encode(text).Should().Equal(withSpecial);
    }

    [Theory]
    [InlineData("clip", typeof(ClipTokenizer))]
    [InlineData("roberta", typeof(RobertaTokenizer))]
    public void FromFolder_VocabAndMergesWithConfig_PicksModelType(string modelType, Type expected)
    {
        var dir = TokenizerFixtures.TempDir();
        foreach (var f in new[] { "vocab.json", "merges.txt" })
            File.Copy(TokenizerFixtures.Dir(modelType == "clip" ? "clip" : "roberta-base", f), Path.Combine(dir, f));
        File.WriteAllText(Path.Combine(dir, "config.json"), $$"""{"model_type": "{{modelType}}"}""");
        TokenizerLoader.FromFolder(dir).Should().BeOfType(expected);
    }

    [Fact]
    public void FromFolder_NoConfig_InfersFamilyFromVocabulary()
    {
        var dir = TokenizerFixtures.TempDir();
        foreach (var f in new[] { "vocab.json", "merges.txt" }) File.Copy(TokenizerFixtures.Dir("clip", f), Path.Combine(dir, f));
        TokenizerLoader.FromFolder(dir).Encode("a photo of a cat").Should().Equal(49406, 320, 1125, 539, 320, 2368, 49407);
    }

    [Fact]
    public void FromFolder_TokenizerConfigMaxLength_BoundsRoberta()
    {
        var dir = TokenizerFixtures.TempDir();
        foreach (var f in new[] { "vocab.json", "merges.txt" }) File.Copy(TokenizerFixtures.Dir("roberta-base", f), Path.Combine(dir, f));
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"model_max_length": 4}""");
        TokenizerLoader.FromFolder(dir).Encode("Hello world! How are you").Should().Equal(0, 31414, 232, 2);
    }

    [Fact]
    public void FromFolder_NoTokenizerFiles_ThrowsListingExpectedAndFound()
    {
        var dir = TokenizerFixtures.TempDir();
        File.WriteAllText(Path.Combine(dir, "config.json"), "{}");
        File.WriteAllText(Path.Combine(dir, "vocab.json"), "{}");
        var act = () => TokenizerLoader.FromFolder(dir);
        act.Should().Throw<FileNotFoundException>()
            .WithMessage("*expected vocab.json + merges.txt, or tokenizer.json, or bpe_simple_vocab_16e6.txt.gz*found [config.json, vocab.json]*");
    }

    [Fact]
    public void FromFolder_MalformedMergeLine_ThrowsNamingFileAndLine()
    {
        var dir = TokenizerFixtures.TempDir();
        File.Copy(TokenizerFixtures.Dir("roberta-base", "vocab.json"), Path.Combine(dir, "vocab.json"));
        File.WriteAllText(Path.Combine(dir, "merges.txt"), "#version: 0.2\nĠ t\nbroken\n");
        var act = () => TokenizerLoader.FromFolder(dir);
        act.Should().Throw<InvalidDataException>().WithMessage("*merges.txt line 3: expected two tokens*but was 'broken'*");
    }

    [Fact]
    public void FromFolder_MergeOutsideVocabulary_ThrowsNamingTokenAndLine()
    {
        var dir = TokenizerFixtures.TempDir();
        File.Copy(TokenizerFixtures.Dir("roberta-base", "vocab.json"), Path.Combine(dir, "vocab.json"));
        File.WriteAllText(Path.Combine(dir, "merges.txt"), "#version: 0.2\nĠ t\nzzqx zzqy\n");
        var act = () => TokenizerLoader.FromFolder(dir);
        act.Should().Throw<InvalidDataException>().WithMessage("*merge 'zzqx zzqy' (line 3)*'zzqx'*absent*");
    }

    [Fact]
    public void FromFolder_BrokenVocabJson_ThrowsNamingLine()
    {
        var dir = TokenizerFixtures.TempDir();
        File.WriteAllText(Path.Combine(dir, "vocab.json"), "{\"a\": 0,\n\"b\" 1}");
        File.WriteAllText(Path.Combine(dir, "merges.txt"), "#version: 0.2\n");
        var act = () => TokenizerLoader.FromFolder(dir);
        act.Should().Throw<InvalidDataException>().WithMessage("*vocab.json line 2, column *not valid JSON*");
    }

    [Fact]
    public void FromFolder_MissingFolder_ThrowsDirectoryNotFound()
    {
        var act = () => TokenizerLoader.FromFolder(Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N")));
        act.Should().Throw<DirectoryNotFoundException>();
    }
}
