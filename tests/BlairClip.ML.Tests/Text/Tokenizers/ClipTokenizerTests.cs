using System.IO.Compression;
using BlairClip.ML.Core;
using BlairClip.ML.Text.Tokenizers;
using FluentAssertions;

namespace BlairClip.ML.Tests.Text.Tokenizers;

public class ClipTokenizerTests
{
    private static ClipTokenizer Tok => TokenizerFixtures.Clip;

    public static TheoryData<string, int[], int[]> Cases => TokenizerFixtures.ClipCases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_SimpleTokenizerGolden_SameIds(string text, int[] withoutSpecial, int[] withSpecial)
    {
        Tok.Encode(text, addSpecialTokens: false).Should().Equal(withoutSpecial);
        Tok.Encode(text).Should().Equal(withSpecial);
    }

    [Fact]
    public void SpecialIds_OpenAiVocab_StartEndAndPadIsEnd() =>
        (Tok.StartTokenId, Tok.EndTokenId, Tok.PadTokenId, Tok.MaxLength).Should().Be((49406, 49407, 49407, 77));

    [Fact]
    public void Encode_HtmlEntitiesAndWhitespace_CleanedLikeSimpleTokenizer() =>
        // "&amp;amp;" unescapes twice to "&"; runs of spaces/tabs collapse; case folds.
        Tok.Encode("  Cats &amp;amp;\t\tDOGS  ").Should().Equal(Tok.Encode("cats & dogs"));

    [Fact]
    public void Encode_LongerThanContext_Truncates77KeepingEnd()
    {
        var text = string.Join(' ', Enumerable.Repeat("cat", 100));
        var ids = Tok.Encode(text);
        ids.Should().HaveCount(77);
        ids[0].Should().Be(49406);
        ids[^1].Should().Be(49407);
        ids[1..^1].Should().OnlyContain(id => id == 2368); // "cat</w>"
    }

    [Fact]
    public void EncodeBatch_TinyClipFixtureTexts_SameIdsAndMask()
    {
        // shared/assets/hf-fixtures/expected.json, key tiny-clip: input_ids and attention_mask [3, 11], pad 49407.
        var batch = Tok.EncodeBatch(["a photo of a cat", "the quick brown fox jumped over the lazy dog", "Hello World!, how are you?"]);
        (batch.BatchSize, batch.Length).Should().Be((3, 11));
        batch.InputIds.Should().Equal(49406, 320, 1125, 539, 320, 2368, 49407, 49407, 49407, 49407, 49407,
            49406, 518, 3712, 2866, 3240, 16901, 962, 518, 10753, 1929, 49407,
            49406, 3306, 1002, 29325, 829, 631, 592, 286, 49407, 49407, 49407);
        batch.AttentionMask.Should().Equal(1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0,
            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
            1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0);
    }

    [Fact]
    public void EncodeBatch_PadToContextLength_Rows77WithOwnPadId()
    {
        var tok = ClipTokenizer.FromFiles(TokenizerFixtures.Dir("clip", "vocab.json"), TokenizerFixtures.Dir("clip", "merges.txt"),
            new() { PadToContextLength = true, PadTokenId = 0 });
        var batch = tok.EncodeBatch(["a photo of a cat", ""]);
        (batch.BatchSize, batch.Length).Should().Be((2, 77));
        batch.Row(0)[..8].ToArray().Should().Equal(49406, 320, 1125, 539, 320, 2368, 49407, 0);
        batch.Row(1)[..3].ToArray().Should().Equal(49406, 49407, 0);
        batch.AttentionMask.Sum().Should().Be(7 + 2);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FromOpenAiBpe_Gz_SameIdsAsVocabJson(string text, int[] withoutSpecial, int[] withSpecial)
    {
        _ = withoutSpecial;
        OpenAiTokenizer.Value.Encode(text).Should().Equal(withSpecial);
    }

    [Fact]
    public void FromOpenAiBpe_Gz_BuildsTheSameVocabulary() =>
        OpenAiTokenizer.Value.Vocab.Should().BeEquivalentTo(Tok.Vocab);

    private static readonly Lazy<ClipTokenizer> OpenAiTokenizer = new(() =>
    {
        // bpe_simple_vocab_16e6.txt.gz holds a header line, the 48894 merges CLIP uses, then unused ones; the fixture's
        // merges.txt holds the same merges, so the .gz is rebuilt from it (plus one unused line that must be ignored).
        var gz = Path.Combine(TokenizerFixtures.TempDir(), "bpe_simple_vocab_16e6.txt.gz");
        using (var writer = new StreamWriter(new GZipStream(File.Create(gz), CompressionLevel.Fastest)))
        {
            writer.Write("\"bpe_simple_vocab_16e6.txt#version: 0.2\n");
            foreach (var line in File.ReadLines(TokenizerFixtures.Dir("clip", "merges.txt")).Skip(1).Where(l => l.Length > 0))
                writer.Write(line + "\n");
            writer.Write("unused merge\n");
        }
        return ClipTokenizer.FromOpenAiBpe(gz);
    });

    [Fact]
    public void FromOpenAiBpe_GzWithoutItsTrailer_IsAnErrorNamingTheFileAndLine()
    {
        // Every merge line is there, so only the gzip check can tell that the file was cut.
        var text = "\"bpe_simple_vocab_16e6.txt#version: 0.2\n" + string.Concat(
            File.ReadLines(TokenizerFixtures.Dir("clip", "merges.txt")).Skip(1).Where(l => l.Length > 0).Select(l => l + "\n"));
        var gz = Path.Combine(TokenizerFixtures.TempDir(), "bpe_simple_vocab_16e6.txt.gz");
        File.WriteAllBytes(gz, BlairClip.ML.Tests.IO.GzipBytes.WithoutTrailer(BlairClip.ML.Tests.IO.GzipBytes.Member(text)));
        FluentActions.Invoking(() => ClipTokenizer.FromOpenAiBpe(gz)).Should().Throw<BlairClip.ML.IO.GzipDataException>()
            .WithMessage($"{gz}: damaged gzip data after line *: gzip member 1 (from byte 0) has no trailer matching its data*");
    }

    [Fact]
    public void Constructor_ContextLengthOne_ThrowsNamingOption()
    {
        var act = () => ClipTokenizer.FromFiles(TokenizerFixtures.Dir("clip", "vocab.json"),
            TokenizerFixtures.Dir("clip", "merges.txt"), new() { ContextLength = 1 });
        act.Should().Throw<InvalidOptionException>().WithMessage("`context_length`*but was 1");
    }
}

public class ClipPreTokenizerCleanTests
{
    [Theory]
    [InlineData("İSTANBUL\t\n  Σ", "i\u0307stanbul σ")]      // Python: 'İSTANBUL\t\n  Σ'.lower() after whitespace_clean
    [InlineData("ΟΔΟΣ ΣΟΦΙΑ", "οδος σοφια")]                 // final sigma, as Python's str.lower()
    [InlineData("  a &amp;b  ", "a &b")]
    public void Clean_MatchesPythonLowerAndWhitespaceClean(string text, string expected) =>
        BlairClip.ML.Text.Tokenizers.ClipPreTokenizer.Clean(text).Should().Be(expected);

    [Fact]
    public void Clean_VeryLongText_DoesNotExhaustTheStack() =>
        BlairClip.ML.Text.Tokenizers.ClipPreTokenizer.Clean(new string('x', 3_000_000)).Length.Should().Be(3_000_000);
}
