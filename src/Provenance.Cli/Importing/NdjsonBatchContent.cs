using System.Net;

namespace Provenance.Cli.Importing;

/// <summary>
/// One batch as a request body, streamed from the file. The request names the batch's first line
/// (<c>?firstLine=N</c>), so the API numbers its lines as in the whole file, and with an
/// <c>Idempotency-Key</c> K line N is keyed <c>K#N</c> exactly as if the whole file had been sent at once.
/// </summary>
internal sealed class NdjsonBatchContent(FileInfo file, NdjsonBatch batch) : HttpContent
{
    private const int BufferSize = 64 * 1024;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];

        await using var source = NdjsonFile.OpenRead(file);
        source.Position = batch.Offset;
        for (var left = batch.Length; left > 0;)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(left, buffer.Length)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"'{file}' became shorter while it was being imported.");
            }

            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            left -= read;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = batch.Length;
        return true;
    }
}
