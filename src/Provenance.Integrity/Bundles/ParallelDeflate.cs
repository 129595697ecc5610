using System.Buffers;
using System.IO.Compression;
using System.IO.Hashing;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// Deflates a stream on every core (#22): the input in chunks of <see cref="ChunkSize"/>, each
/// compressed on its own and ended with a sync flush (so it stops on a byte boundary without
/// closing the stream), the chunks written in order, and one empty final block after the last.
/// The result is one valid raw deflate stream (RFC 1951) that any inflater reads; no chunk refers
/// back into the one before it, which costs a few bytes at each boundary. The same input and
/// compressor give the same bytes, however many cores do the work.
/// </summary>
internal static class ParallelDeflate
{
    /// <summary>Bytes of input per chunk.</summary>
    public const int ChunkSize = 4 << 20;

    // A final block of the fixed codes holding nothing but its end (BFINAL 1, BTYPE 01, code 256).
    private static readonly byte[] EmptyFinalBlock = [0x03, 0x00];

    /// <summary>Deflates <paramref name="input"/> to its end into <paramref name="output"/>; returns the compressed length and the input's CRC-32.</summary>
    public static async Task<(long Compressed, long Uncompressed, uint Crc32)> CompressAsync(
        Stream input, Stream output, CompressionLevel level, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var crc = new Crc32();
        var pending = new Queue<Task<Chunk>>();
        long compressed = 0, uncompressed = 0;
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                var read = await input.ReadAtLeastAsync(buffer.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }

                crc.Append(buffer.AsSpan(0, read));
                uncompressed += read;
                pending.Enqueue(Task.Run(() => Compress(buffer, read, level), cancellationToken));
                // One chunk read ahead of the cores compressing, so none waits for the disk.
                if (pending.Count > Environment.ProcessorCount)
                {
                    compressed += await WriteOldestAsync(pending, output, cancellationToken).ConfigureAwait(false);
                }

                if (read < ChunkSize)
                {
                    break;
                }
            }

            while (pending.Count > 0)
            {
                compressed += await WriteOldestAsync(pending, output, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // On a failure, the chunks still being compressed finish before their buffers are gone.
            foreach (var chunk in pending)
            {
                try
                {
                    ArrayPool<byte>.Shared.Return((await chunk.ConfigureAwait(false)).Bytes);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or InvalidDataException)
                {
                }
            }
        }

        await output.WriteAsync(EmptyFinalBlock, cancellationToken).ConfigureAwait(false);
        return (compressed + EmptyFinalBlock.Length, uncompressed, crc.GetCurrentHashAsUInt32());
    }

    private static async Task<long> WriteOldestAsync(Queue<Task<Chunk>> pending, Stream output, CancellationToken cancellationToken)
    {
        var chunk = await pending.Dequeue().ConfigureAwait(false);
        try
        {
            await output.WriteAsync(chunk.Bytes.AsMemory(0, chunk.Length), cancellationToken).ConfigureAwait(false);
            return chunk.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk.Bytes);
        }
    }

    // One chunk deflated and sync-flushed: every byte of it out, ending on a byte boundary, the
    // stream left open. What disposing the compressor adds after (its final block) is not kept.
    private static Chunk Compress(byte[] input, int count, CompressionLevel level)
    {
        try
        {
            var output = new ChunkStream(ArrayPool<byte>.Shared.Rent(count + (count >> 3) + 1024));
            using (var deflate = new DeflateStream(output, level, leaveOpen: true))
            {
                deflate.Write(input, 0, count);
                deflate.Flush();
                output.Seal();
            }

            return new Chunk(output.Bytes, output.Sealed);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    private readonly record struct Chunk(byte[] Bytes, int Length);

    /// <summary>A write-only stream into a rented array that grows when it must and, once sealed, takes no more.</summary>
    private sealed class ChunkStream(byte[] bytes) : Stream
    {
        private int _length;
        private bool _sealed;

        public byte[] Bytes { get; private set; } = bytes;

        public int Sealed { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public void Seal()
        {
            Sealed = _length;
            _sealed = true;
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_sealed)
            {
                return;
            }

            if (_length + buffer.Length > Bytes.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(Bytes.Length * 2, _length + buffer.Length));
                Bytes.AsSpan(0, _length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(Bytes);
                Bytes = larger;
            }

            buffer.CopyTo(Bytes.AsSpan(_length));
            _length += buffer.Length;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
