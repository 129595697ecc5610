using Provenance.Integrity.Bundles;

namespace Provenance.Integrity.Tests.Bundles;

public sealed class SpillingSorterTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("provenance-sorter-test-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Theory]
    [InlineData(0, 1 << 20)]
    [InlineData(1, 1 << 20)]
    [InlineData(5_000, 1 << 20)]
    [InlineData(5_000, 64)]
    [InlineData(5_000, 8_000)]
    [InlineData(40_001, 4_096)]
    public void Records_come_back_in_order_whether_they_stayed_in_memory_or_went_to_runs_on_disk(int count, int runBytes)
    {
        var random = new Random(count);
        var records = Enumerable.Range(0, count).Select(_ => (Key: random.NextInt64(100), Sequence: random.NextInt64())).ToList();
        using var sorter = new SpillingSorter<(long Key, long Sequence)>(Comparer<(long, long)>.Default, runBytes, _directory.FullName);
        records.ForEach(r => sorter.Add(r));

        var expected = records.Order().ToList();
        Assert.Equal(expected, sorter.Sorted());
        Assert.Equal(expected, sorter.Sorted());
        Assert.Equal(count, sorter.Count);
        Assert.Equal(runBytes < count * 16, sorter.Runs > 0);
        Assert.Equal(sorter.Runs > 0, _directory.EnumerateFiles().Any());
    }

    [Fact]
    public void No_record_can_be_added_once_they_were_read_in_order_and_disposing_deletes_the_runs()
    {
        var sorter = new SpillingSorter<int>(Comparer<int>.Default, 64, _directory.FullName);
        for (var i = 100; i > 0; i--)
        {
            sorter.Add(i);
        }

        Assert.Equal(Enumerable.Range(1, 100), sorter.Sorted());
        Assert.Throws<InvalidOperationException>(() => sorter.Add(0));
        Assert.NotEmpty(_directory.EnumerateFiles());

        sorter.Dispose();

        Assert.Empty(_directory.EnumerateFiles());
        Assert.Throws<ObjectDisposedException>(() => sorter.Sorted());
    }

    [Fact]
    public void Spilled_text_reads_back_each_string_whether_buffered_flushed_or_longer_than_the_buffer()
    {
        using var texts = new SpilledText(bufferBytes: 100, _directory.FullName);
        var strings = new List<string?> { "Mercy structured EHR", null, "", "été \"notes\" ✓ 𝄞", new string('x', 250), "after the long one" };
        strings.AddRange(Enumerable.Range(0, 200).Select(i => $"dataset {i} {new string('é', i % 13)}"));

        var kept = strings.Select(texts.Add).ToList();

        Assert.NotEmpty(_directory.EnumerateFiles());
        Assert.Equal(strings, kept.Select(texts.Read));
    }
}
