using System.IO.Compression;
using System.Text;
using BlairClip.ML.Core;
using BlairClip.ML.Models;
using BlairClip.ML.Recommenders;
using BlairClip.ML.Tests.Conformance;
using FluentAssertions;

namespace BlairClip.ML.Tests.Models;

public sealed class ModelArchiveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("blairclip-zip").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private static RecommenderModel PopularityModel()
    {
        var data = TinyData.Small();
        var chain = new RecommenderPipeline([], new BlairClipContext().Recommenders.Popularity()).Fit(data);
        return new RecommenderModel("Pop", "popularity", chain, data.Users, data.Items, ["A title", null, "C", "D", "E"], data.TrainHistories);
    }

    [Fact]
    public void SaveLoad_RoundTrip_KeepsIdsTitlesHistoriesAndRecommendations()
    {
        var path = Path.Combine(_dir, "m.zip");
        var model = PopularityModel();
        ModelArchive.Save(model, path);
        var back = ModelArchive.Load(path);
        back.Name.Should().Be("Pop");
        back.Titles.Should().Equal("A title", null, "C", "D", "E");
        back.Histories.AllItems.ToArray().Should().Equal(model.Histories.AllItems.ToArray());
        back.RecommendForUser("u3", 3).Should().BeEquivalentTo(model.RecommendForUser("u3", 3), o => o.WithStrictOrdering());
        // u3 saw d, e: the rest by count a(3) > b(2) = c(2), ties by index.
        back.RecommendForUser("u3", 3).Select(r => r.ItemId).Should().Equal("a", "b", "c");
        back.RecommendForHistory(["a", "b"], 2).Select(r => r.ItemId).Should().Equal("c", "d");
        Directory.GetFiles(_dir).Should().Equal([path], "no temporary file may remain");
    }

    [Fact]
    public void Load_NewerFormat_IsClearError()
    {
        var path = Path.Combine(_dir, "m.zip");
        ModelArchive.Save(PopularityModel(), path);
        Rewrite(path, "model.json", s => s.Replace("\"min_reader_version\": 1", "\"min_reader_version\": 99"));
        FluentActions.Invoking(() => ModelArchive.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"{path}: written by a newer BlairClip.ML*needs reader version 99*");

        // A newer format_version is refused even when it claims an old reader can read it; malformed versions are damage.
        foreach (var (from, to, message) in new[]
        {
            ("\"min_reader_version\": 99", "\"min_reader_version\": 1", "*written by a newer BlairClip.ML (model format 999*"),
            ("\"format_version\": 999", "\"format_version\": \"one\"", "*'format_version' must be a positive integer, but is \"one\"*"),
        })
        {
            Rewrite(path, "model.json", s => s.Replace(from, to).Replace("\"format_version\": 2", "\"format_version\": 999"));
            FluentActions.Invoking(() => ModelArchive.Load(path)).Should().Throw<InvalidDataException>().WithMessage(message);
        }
    }

    [Fact]
    public void Load_NewerEntryLayout_NamesEntryAndVersions()
    {
        var path = Path.Combine(_dir, "m.zip");
        ModelArchive.Save(PopularityModel(), path);
        Rewrite(path, "transformers/00-Popularity/entry.json", s => s.Replace("\"version_readable\": 1", "\"version_readable\": 3"));
        FluentActions.Invoking(() => ModelArchive.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage("*transformers/00-Popularity/ (Popularity)*needs a reader of version 3; this build reads up to 1*");
    }

    [Fact]
    public void Load_UnknownEntrySignature_ListsKnownOnes()
    {
        var path = Path.Combine(_dir, "m.zip");
        ModelArchive.Save(PopularityModel(), path);
        Rewrite(path, "transformers/00-Popularity/entry.json", s => s.Replace("\"signature\": \"Popularity\"", "\"signature\": \"Martian\""));
        FluentActions.Invoking(() => ModelArchive.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage("*No loader for model entry 'Martian'*known: *Popularity*");
    }

    [Fact]
    public void Load_NotAZip_IsClearError()
    {
        var path = Path.Combine(_dir, "junk.zip");
        File.WriteAllText(path, "hello");
        FluentActions.Invoking(() => ModelArchive.Load(path)).Should().Throw<InvalidDataException>();
    }

    [Theory]
    [InlineData("items.tsv", "flipped compressed bytes", "*")]
    [InlineData("catalog.safetensors", "flipped compressed bytes", "*")]
    [InlineData("users.txt", "unsupported compression method", "its data cannot be decompressed*")]
    [InlineData("model.json", "wrong CRC32", "its CRC32 is *, but the zip directory records *")]
    public void Load_DamagedEntry_NamesTheZipAndTheEntry(string entry, string damage, string detail)
    {
        var path = Path.Combine(_dir, "m.zip");
        ModelArchive.Save(PopularityModel(), path);
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "flipped compressed bytes":
                var (offset, length) = BlairClip.ML.Tests.IO.ZipBytes.DataOf(bytes, entry);
                bytes[offset + length / 2] ^= 0x55;
                break;
            case "unsupported compression method":
                bytes[BlairClip.ML.Tests.IO.ZipBytes.CentralHeaderOf(bytes, entry) + 10] = 99;
                break;
            default:
                bytes[BlairClip.ML.Tests.IO.ZipBytes.CentralHeaderOf(bytes, entry) + 16] ^= 0x01;
                break;
        }
        File.WriteAllBytes(path, bytes);
        FluentActions.Invoking(() => ModelArchive.Load(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"{path}: zip entry '{entry}' is damaged: {detail}. The model zip is corrupt or was changed after saving; save the model again.");
    }

    [Fact]
    public void Load_Format1Zip_WithoutMLNetEntries_StillLoads()
    {
        var path = Path.Combine(_dir, "m.zip");
        var model = PopularityModel();
        ModelArchive.Save(model, path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
            foreach (var e in zip.Entries.Where(e => e.FullName.StartsWith("TransformerChain/") || e.FullName is "Schema" || e.FullName.StartsWith("TrainingInfo/")).ToList())
                e.Delete();
        Rewrite(path, "model.json", s => s.Replace("\"format_version\": 2", "\"format_version\": 1"));
        ModelArchive.Load(path).RecommendForUser("u3", 3).Should().BeEquivalentTo(model.RecommendForUser("u3", 3), o => o.WithStrictOrdering());
    }

    [Fact]
    public void Save_WritesFormat2_AnMLNetZip()
    {
        var path = Path.Combine(_dir, "m.zip");
        ModelArchive.Save(PopularityModel(), path);
        using var zip = ZipFile.OpenRead(path);
        zip.GetEntry("TransformerChain/Model.key").Should().NotBeNull();
        new StreamReader(zip.GetEntry("model.json")!.Open()).ReadToEnd().Should().Contain("\"format_version\": 2").And.Contain("\"min_reader_version\": 1");
    }

    [Fact]
    public void Write_StreamFailsWhileMLNetSaves_RaisesTheError_AndLeavesNoTemporaryFile()
    {
        // Our entries fail (the disk fills) while ML.NET's part is still being written on its own thread: the error
        // comes out, and ML.NET's temporary file is waited for and deleted rather than left behind.
        var act = () => ModelArchive.Write(PopularityModel(), new FailingStream(afterBytes: 64), _dir);
        act.Should().Throw<IOException>().WithMessage("*disk full*");
        Directory.GetFileSystemEntries(_dir).Should().BeEmpty();
    }

    [Fact]
    public void Write_ToAStream_PutsMLNetEntriesAndOursInOneZip()
    {
        using var ms = new MemoryStream();
        ModelArchive.Write(PopularityModel(), ms, _dir);
        Directory.GetFileSystemEntries(_dir).Should().BeEmpty("ML.NET's temporary file is deleted");
        ms.Position = 0;
        using var zip = new ZipArchive(ms, ZipArchiveMode.Read);
        zip.Entries.Select(e => e.FullName).Should().Contain(["model.json", "users.txt", "TransformerChain/Model.key", "Schema"]);
    }

    private sealed class FailingStream(int afterBytes) : Stream
    {
        private long _written;
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _written += buffer.Length;
            if (_written > afterBytes) throw new IOException("disk full");
        }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _written; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static void Rewrite(string zipPath, string entry, Func<string, string> edit)
    {
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update);
        var e = zip.GetEntry(entry)!;
        string text;
        using (var r = new StreamReader(e.Open())) text = r.ReadToEnd();
        var edited = edit(text);
        edited.Should().NotBe(text, "the test must actually change the entry");
        e.Delete();
        using var w = new StreamWriter(zip.CreateEntry(entry).Open(), new UTF8Encoding(false));
        w.Write(edited);
    }
}
