using System.Buffers;
using System.Security.Cryptography;

namespace Provenance.Integrity.Bundles;

/// <summary>Whole lines of a file, in one pooled buffer; the caller returns it with <see cref="Dispose"/>.</summary>
internal sealed class LineChunk : IDisposable
{
    private byte[]? _buffer;

    public LineChunk(byte[] buffer, int length, long firstLine, int lineCount, bool lastLineUnterminated)
    {
        _buffer = buffer;
        Length = length;
        FirstLine = firstLine;
        LineCount = lineCount;
        LastLineUnterminated = lastLineUnterminated;
    }

    /// <summary>The lines, each ending in LF except, at the end of the file, perhaps the last.</summary>
    public ReadOnlyMemory<byte> Bytes => _buffer.AsMemory(0, Length);

    public int Length { get; }

    /// <summary>The file's line number (from 1) of the chunk's first line.</summary>
    public long FirstLine { get; }

    public int LineCount { get; }

    /// <summary>The file does not end with LF: the chunk's last line has none.</summary>
    public bool LastLineUnterminated { get; }

    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }
}

/// <summary>
/// Reads a file as chunks of whole lines, hashing every byte in order as it goes, so a verifier
/// checks the manifest's SHA-256 of a file in the same pass that reads its lines.
/// </summary>
internal sealed class LineChunkReader : IDisposable
{
    public const int ChunkSize = 1 << 20;

    /// <summary>No line of a bundle comes near this; a longer one means the file is not a bundle's.</summary>
    public const int MaxLineLength = 64 << 20;

    private readonly Stream _stream;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private int _filled;
    private long _nextLine = 1;
    private bool _endOfFile;

    public LineChunkReader(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>The bytes read so far.</summary>
    public long Bytes { get; private set; }

    /// <summary>The lines read so far.</summary>
    public long Lines => _nextLine - 1;

    /// <summary>The next chunk, or <see langword="null"/> at the end of the file.</summary>
    /// <exception cref="InvalidDataException">A line is longer than <see cref="MaxLineLength"/>.</exception>
    public async ValueTask<LineChunk?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var lastNewline = _buffer.AsSpan(0, _filled).LastIndexOf((byte)'\n');
            if (lastNewline >= 0 && (_filled == _buffer.Length || _endOfFile))
            {
                return Cut(lastNewline + 1, unterminated: false);
            }

            if (_endOfFile)
            {
                return _filled == 0 ? null : Cut(_filled, unterminated: true);
            }

            if (_filled == _buffer.Length)
            {
                // One line fills the buffer: make room for it.
                if (_buffer.Length >= MaxLineLength)
                {
                    throw new InvalidDataException($"Line {_nextLine} is longer than {MaxLineLength / (1 << 20)} MiB.");
                }

                var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                _buffer.AsSpan(0, _filled).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_filled), cancellationToken).ConfigureAwait(false);
            _filled += read;
            _endOfFile = read == 0;
        }
    }

    /// <summary>The SHA-256 of every byte read (call once, at the end of the file).</summary>
    public byte[] Sha256() => _sha256.GetHashAndReset();

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _sha256.Dispose();
    }

    private LineChunk Cut(int length, bool unterminated)
    {
        var lines = _buffer.AsSpan(0, length).Count((byte)'\n') + (unterminated ? 1 : 0);
        _sha256.AppendData(_buffer, 0, length);
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(ChunkSize, _filled - length));
        _buffer.AsSpan(length, _filled - length).CopyTo(next);
        var chunk = new LineChunk(_buffer, length, _nextLine, lines, unterminated);
        _buffer = next;
        _filled -= length;
        _nextLine += lines;
        Bytes += length;
        return chunk;
    }
}
