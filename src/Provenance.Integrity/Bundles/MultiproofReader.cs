using System.Buffers;
using System.Security.Cryptography;
using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// Reads <c>multiproof.txt</c> (format 3) front to back, one hash at a time, hashing every byte
/// for the manifest as it goes: a bundle's multiproof is read in a buffer's worth of memory.
/// </summary>
internal sealed class MultiproofReader : IDisposable
{
    private const int BufferSize = 64 << 10;

    private readonly Stream _stream;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _start;
    private int _end;
    private bool _ended;

    public MultiproofReader(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>How many lines were read (or tried).</summary>
    public long Lines { get; private set; }

    /// <summary>How many bytes of the file were read.</summary>
    public long Bytes { get; private set; }

    /// <summary>
    /// Reads the next line's hash into <paramref name="hash"/>: true when there was one; false at
    /// the file's end (<paramref name="problem"/> null) or at a line that is not a hash (what is wrong with it).
    /// </summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="InvalidDataException">The file cannot be inflated.</exception>
    public bool TryRead(Span<byte> hash, out string? problem)
    {
        problem = null;
        if (!Fill(MultiproofLine.Length))
        {
            if (_end > _start)
            {
                Lines++;
                problem = "the file's last line is not a base64 hash of 32 bytes (44 characters) and LF";
            }

            return false;
        }

        Lines++;
        var line = _buffer.AsSpan(_start, MultiproofLine.Length);
        _start += MultiproofLine.Length;
        if (!MultiproofLine.TryRead(line, hash))
        {
            problem = "the line is not a base64 hash of 32 bytes (44 characters, in RFC 4648's one spelling) and LF";
            return false;
        }

        return true;
    }

    /// <summary>Reads the rest of the file (for its hash and size) and says how many lines were left unread.</summary>
    public long Finish()
    {
        var before = Lines;
        Consume(_end - _start);
        while (Refill())
        {
            Consume(_end - _start);
        }

        return Lines - before;
    }

    /// <summary>The SHA-256 of every byte read, in hex; call after <see cref="Finish"/>.</summary>
    public string Sha256() => Convert.ToHexStringLower(_sha256.GetHashAndReset());

    public void Dispose()
    {
        _sha256.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }

    // Counts the lines in bytes skipped unread: a line a LF.
    private void Consume(int count)
    {
        Lines += _buffer.AsSpan(_start, count).Count((byte)'\n');
        _start += count;
    }

    private bool Fill(int wanted)
    {
        while (_end - _start < wanted)
        {
            if (!Refill())
            {
                return false;
            }
        }

        return true;
    }

    // Moves what is left to the buffer's start and reads more after it; false at the end of the file.
    private bool Refill()
    {
        if (_ended)
        {
            return false;
        }

        var left = _end - _start;
        _buffer.AsSpan(_start, left).CopyTo(_buffer);
        _start = 0;
        _end = left;
        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _ended = true;
            return false;
        }

        _sha256.AppendData(_buffer, _end, read);
        Bytes += read;
        _end += read;
        return true;
    }
}
