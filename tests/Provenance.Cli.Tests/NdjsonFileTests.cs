using System.Text;
using Provenance.Cli.Importing;

namespace Provenance.Cli.Tests;

public sealed class NdjsonFileTests : IDisposable
{
    private readonly ImportFiles _files = new();

    public void Dispose() => _files.Dispose();

    private Task<NdjsonScan> ScanAsync(string text, int maxBatchBytes = 1024 * 1024) =>
        NdjsonFile.ScanAsync(new FileInfo(_files.WriteText("scan.ndjson", text)), maxBatchBytes, CancellationToken.None);

    [Fact]
    public async Task Lines_end_at_LF_CR_and_CRLF_and_blank_lines_are_not_commands()
    {
        var scan = await ScanAsync("a\r\nb\rc\n\n \t\nd");

        Assert.Equal(4, scan.CommandLines);
        Assert.Equal([new NdjsonBatch(0, 12, 1)], scan.Batches);
    }

    [Fact]
    public async Task Batches_are_cut_at_line_ends_and_start_at_their_file_line()
    {
        var scan = await ScanAsync("aaaa\nbbbb\ncccc\ndddd\neeee\n", maxBatchBytes: 10);

        Assert.Equal([new NdjsonBatch(0, 10, 1), new NdjsonBatch(10, 10, 3), new NdjsonBatch(20, 5, 5)], scan.Batches);
    }

    [Fact]
    public async Task A_line_longer_than_a_batch_goes_alone_and_a_batch_of_blank_lines_is_not_sent()
    {
        var scan = await ScanAsync("a\n" + new string(' ', 20) + "\n" + new string('b', 20) + "\nc", maxBatchBytes: 3);

        Assert.Equal(3, scan.CommandLines);
        Assert.Equal([new NdjsonBatch(0, 2, 1), new NdjsonBatch(23, 21, 3), new NdjsonBatch(44, 1, 4)], scan.Batches);
    }

    [Fact]
    public async Task A_CRLF_split_across_read_buffers_is_one_line_end()
    {
        var first = new string('a', 64 * 1024 - 1) + "\r\n";

        var scan = await ScanAsync(first + "b\n", maxBatchBytes: first.Length);

        Assert.Equal([new NdjsonBatch(0, first.Length, 1), new NdjsonBatch(first.Length, 2, 2)], scan.Batches);
    }

    [Fact]
    public async Task A_UTF8_byte_order_mark_is_left_out_of_the_first_batch()
    {
        var path = _files.Path("bom.ndjson");
        await File.WriteAllTextAsync(path, "a\nb\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var scan = await NdjsonFile.ScanAsync(new FileInfo(path), 1024, CancellationToken.None);

        Assert.Equal([new NdjsonBatch(3, 4, 1)], scan.Batches);
    }

    [Fact]
    public async Task A_batch_body_is_exactly_its_own_lines_of_the_file()
    {
        var file = new FileInfo(_files.WriteText("body.ndjson", "one\ntwo\nthree\n"));
        using var content = new NdjsonBatchContent(file, new NdjsonBatch(Offset: 8, Length: 6, FirstLine: 3));

        var body = await content.ReadAsStringAsync();

        Assert.Equal("three\n", body);
        Assert.Equal(body.Length, content.Headers.ContentLength);
    }
}
