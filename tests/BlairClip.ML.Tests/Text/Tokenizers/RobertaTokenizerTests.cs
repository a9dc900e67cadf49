using BlairClip.ML.Core;
using BlairClip.ML.Text.Tokenizers;
using FluentAssertions;

namespace BlairClip.ML.Tests.Text.Tokenizers;

public class RobertaTokenizerTests
{
    private static RobertaTokenizer Tok => TokenizerFixtures.Roberta;

    public static TheoryData<string, int[]> Cases => TokenizerFixtures.RobertaCases();
    public static TheoryData<string, int[]> SpecialCases => TokenizerFixtures.RobertaSpecialCases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_HfGolden_SameIds(string text, int[] expected) =>
        Tok.Encode(text, addSpecialTokens: false).Should().Equal(expected);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_WithSpecialTokens_WrapsInBosEos(string text, int[] expected) =>
        Tok.Encode(text).Should().Equal([0, .. expected, 2]);

    [Theory]
    [MemberData(nameof(SpecialCases))]
    public void Encode_SpecialTokenGolden_SameIds(string text, int[] expected) =>
        Tok.Encode(text).Should().Equal(expected);

    [Fact]
    public void SpecialIds_RobertaBase_AreFairseqIds()
    {
        (Tok.BosTokenId, Tok.PadTokenId, Tok.EosTokenId, Tok.UnkTokenId, Tok.MaskTokenId)
            .Should().Be((0, 1, 2, 3, 50264));
    }

    [Fact]
    public void Encode_SpecialTokensInText_AreAtomic()
    {
        // <mask> absorbs the space before it (lstrip); </s> does not, so the space after it stays a token (Ġ = 1437).
        Tok.Encode("<s>Hello</s> <pad><unk>world <mask>!", addSpecialTokens: false)
            .Should().Equal(0, 31414, 2, 1437, 1, 3, 8331, 50264, 328);
    }

    [Fact]
    public void Encode_SplitSpecialTokensOff_TokenisesMarkupAsText()
    {
        var tok = RobertaTokenizer.FromFiles(TokenizerFixtures.Dir("roberta-base", "vocab.json"),
            TokenizerFixtures.Dir("roberta-base", "merges.txt"), new() { SplitSpecialTokens = false });
        var ids = tok.Encode("a <mask>", addSpecialTokens: false);
        ids.Should().NotContain(50264).And.Equal(Tok.Encode("a <", false).Concat(Tok.Encode("mask>", false)));
    }

    [Fact]
    public void EncodePair_QuestionAnswer_BosAEosEosBEos() =>
        Tok.EncodePair("Question?", "Answer").Should().Equal(0, 45641, 116, 2, 2, 33683, 2);

    [Fact]
    public void Encode_LongerThanMaxLength_KeepsPrefixAndEos()
    {
        var tok = RobertaTokenizer.FromFiles(TokenizerFixtures.Dir("roberta-base", "vocab.json"),
            TokenizerFixtures.Dir("roberta-base", "merges.txt"), new() { MaxLength = 5 });
        // "Hello world! How are you" = Hello Ġworld ! ĠHow Ġare Ġyou: 6 tokens, 3 fit between <s> and </s>.
        tok.Encode("Hello world! How are you").Should().Equal(0, 31414, 232, 328, 2);
        tok.Encode("Hello world! How are you", addSpecialTokens: false).Should().HaveCount(6);
    }

    [Theory]
    // a has 6 tokens, b 2; room 8-4 = 4: drop from the longer a until 2 + 2.
    [InlineData("Hello world! How are you", "Answer me", 8, 2, 2)]
    // a 3, b 3, room 3: tie drops from b (3,2), then a (2,2), then b (2,1).
    [InlineData("Hello world!", "Hello world!", 7, 2, 1)]
    // fits: nothing dropped.
    [InlineData("Hello world!", "Answer", 512, 3, 1)]
    public void EncodePair_TooLong_TruncatesLongestFirst(string first, string second, int maxLength, int keepA, int keepB)
    {
        var tok = RobertaTokenizer.FromFiles(TokenizerFixtures.Dir("roberta-base", "vocab.json"),
            TokenizerFixtures.Dir("roberta-base", "merges.txt"), new() { MaxLength = maxLength });
        var a = Tok.Encode(first, false);
        var b = Tok.Encode(second, false);
        tok.EncodePair(first, second).Should().Equal([0, .. a[..keepA], 2, 2, .. b[..keepB], 2]);
    }

    [Fact]
    public void EncodeBatch_TinyRobertaFixtureTexts_SameIdsAndMask()
    {
        // shared/assets/hf-fixtures/expected.json, key tiny-roberta: input_ids and attention_mask [3, 31].
        var batch = Tok.EncodeBatch([" this is 🦙.cpp", "Hello, y'all! How are you 😁 ?我想在apple工作1314151天～", "Hello, world!"]);
        (batch.BatchSize, batch.Length).Should().Be((3, 31));
        long[] row0 = [0, 42, 16, 8103, 18164, 27, 4, 49317, 2];
        long[] row1 = [0, 31414, 6, 1423, 108, 1250, 328, 1336, 32, 47, 17841, 10172, 17487, 47876, 3602, 48617, 15264,
            46537, 11423, 27326, 48494, 8210, 49233, 1558, 1570, 27761, 49429, 43251, 10809, 17772, 2];
        long[] row2 = [0, 31414, 6, 232, 328, 2];
        long[] Padded(long[] r) => [.. r, .. Enumerable.Repeat(1L, 31 - r.Length)];
        long[] Mask(long[] r) => [.. Enumerable.Repeat(1L, r.Length), .. Enumerable.Repeat(0L, 31 - r.Length)];
        batch.InputIds.Should().Equal([.. Padded(row0), .. Padded(row1), .. Padded(row2)]);
        batch.AttentionMask.Should().Equal([.. Mask(row0), .. Mask(row1), .. Mask(row2)]);
    }

    [Fact]
    public void EncodePairBatch_TwoPairs_PadsShorterWithPad()
    {
        var batch = Tok.EncodePairBatch([("Question?", "Answer"), ("Hello world!", "Answer")]);
        (batch.BatchSize, batch.Length).Should().Be((2, 8));
        batch.Row(0).ToArray().Should().Equal(0, 45641, 116, 2, 2, 33683, 2, 1);
        batch.MaskRow(0).ToArray().Should().Equal(1, 1, 1, 1, 1, 1, 1, 0);
        batch.MaskRow(1).ToArray().Should().OnlyContain(m => m == 1);
    }

    [Fact]
    public void Constructor_MaxLengthBelowTwo_ThrowsNamingOption()
    {
        var act = () => RobertaTokenizer.FromFiles(TokenizerFixtures.Dir("roberta-base", "vocab.json"),
            TokenizerFixtures.Dir("roberta-base", "merges.txt"), new() { MaxLength = 1 });
        act.Should().Throw<InvalidOptionException>().WithMessage("`max_length`*>= 2*but was 1");
    }

    [Fact]
    public void EncodeBatch_ManyThreadsSharingTheCache_SameRowsAsSequential()
    {
        // A fresh tokenizer so every word is first merged concurrently.
        var tok = RobertaTokenizer.FromFiles(TokenizerFixtures.Dir("roberta-base", "vocab.json"),
            TokenizerFixtures.Dir("roberta-base", "merges.txt"));
        var texts = Cases.Select(row => (string)row[0]).SelectMany(t => Enumerable.Repeat(t, 8)).ToArray();
        var batch = tok.EncodeBatch(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var expected = Tok.Encode(texts[i]);
            batch.Row(i)[..expected.Length].ToArray().Select(x => (int)x).Should().Equal(expected, $"row {i} ({texts[i]})");
            batch.MaskRow(i).ToArray().Sum().Should().Be(expected.Length);
        }
    }
}
