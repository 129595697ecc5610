using System.Security.Cryptography;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// A new file written front to back, with its size and SHA-256 kept as it is written, so the
/// manifest never reads it again; or, for a ZIP, kept only as a deflated copy made as it is written
/// (#22: the ZIP then copies it instead of deflating the file after, and the plain file, written
/// only to be deleted, is never written). Size and hash are those of its bytes either way.
/// </summary>
internal sealed class HashingFile : WriteOnlyStream
{
    private const int BufferSize = 1 << 20;

    // Exactly one of the two is written: the plain file, or its deflated copy.
    private readonly FileStream? _stream;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly FileStream? _copyFile;
    private readonly ParallelDeflate? _copy;
    private ManifestFile? _completed;

    /// <param name="directory">The folder of the new file.</param>
    /// <param name="name">Its name.</param>
    /// <param name="deflatedCopy">Where to write it deflated (a new file) instead of writing it in <paramref name="directory"/>, or null to write it plain.</param>
    public HashingFile(string directory, string name, string? deflatedCopy = null)
    {
        Name = name;
        _stream = deflatedCopy is not null ? null : new FileStream(Path.Combine(directory, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
        if (deflatedCopy is not null)
        {
            DeflatedCopy = deflatedCopy;
            _copyFile = new FileStream(deflatedCopy, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
            _copy = new ParallelDeflate(_copyFile, ZipBundle.Level);
        }
    }

    public string Name { get; }

    /// <summary>The deflated copy's path, or null.</summary>
    public string? DeflatedCopy { get; }

    /// <summary>Once complete, the deflated copy's sizes and CRC-32 (null without a copy).</summary>
    public DeflatedSize? Deflated { get; private set; }

    public long Bytes { get; private set; }

    public override bool CanWrite => _completed is null;

    public override long Length => Bytes;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _sha256.AppendData(buffer.Span);
        Bytes += buffer.Length;
        if (_stream is not null)
        {
            await _stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        if (_copy is not null)
        {
            await _copy.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_stream is null)
        {
            throw new NotSupportedException("A file kept as its deflated copy is written asynchronously.");
        }

        _sha256.AppendData(buffer);
        Bytes += buffer.Length;
        _stream.Write(buffer);
    }

    /// <summary>Flushes and closes the file; returns its manifest entry.</summary>
    public async ValueTask<ManifestFile> CompleteAsync(CancellationToken cancellationToken)
    {
        if (_completed is null)
        {
            if (_stream is not null)
            {
                await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                await _stream.DisposeAsync().ConfigureAwait(false);
            }

            if (_copy is not null && _copyFile is not null)
            {
                Deflated = await _copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
                await _copyFile.FlushAsync(cancellationToken).ConfigureAwait(false);
                await _copyFile.DisposeAsync().ConfigureAwait(false);
            }

            _completed = new ManifestFile(Name, Bytes, Convert.ToHexStringLower(_sha256.GetHashAndReset()));
        }

        return _completed;
    }

    public override void Flush() => _stream?.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _stream?.FlushAsync(cancellationToken) ?? Task.CompletedTask;

    public override async ValueTask DisposeAsync()
    {
        if (_copy is not null)
        {
            await _copy.DisposeAsync().ConfigureAwait(false);
        }

        if (_copyFile is not null)
        {
            await _copyFile.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stream?.Dispose();
            _sha256.Dispose();
            _copyFile?.Dispose();
        }

        base.Dispose(disposing);
    }
}
