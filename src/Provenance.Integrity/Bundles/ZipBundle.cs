using System.IO.Compression;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// An audit bundle as one ZIP archive: <see cref="PackAsync(string, string, CancellationToken)"/> packs a bundle directory
/// deterministically, <see cref="Open"/> reads one for verification without extracting it.
/// </summary>
public static class ZipBundle
{
    /// <summary>Every entry's timestamp: 1980-01-01T00:00:00, the earliest a ZIP can hold, so nothing depends on when the bundle was packed.</summary>
    public static DateTimeOffset EntryTimestamp { get; } = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How every entry is deflated (decision 0007 measured the levels).</summary>
    internal const CompressionLevel Level = CompressionLevel.Optimal;

    /// <summary>
    /// Packs the bundle in <paramref name="bundleDirectory"/> into a ZIP at <paramref name="zipPath"/>
    /// (replacing any file there): the bundle's files in the specification's order, deflated on
    /// every core, each with the timestamp <see cref="EntryTimestamp"/> and the same attributes. The
    /// same files give the same archive, byte for byte (with the same runtime: the bytes of a
    /// deflated stream are its compressor's).
    /// </summary>
    /// <exception cref="InvalidOperationException">The directory does not hold exactly the files of a bundle.</exception>
    public static Task PackAsync(string bundleDirectory, string zipPath, CancellationToken cancellationToken = default) =>
        PackAsync(bundleDirectory, zipPath, ZipWriter.Zip64Limit, cancellationToken);

    /// <summary>As <see cref="PackAsync(string, string, CancellationToken)"/>, with every size and offset from <paramref name="zip64From"/> on written in the Zip64 fields (tests pass 0).</summary>
    internal static async Task PackAsync(string bundleDirectory, string zipPath, long zip64From, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(zipPath);
        IReadOnlyList<string> files;
        using (var source = AuditBundleSource.FromDirectory(bundleDirectory))
        {
            files = AuditBundleFiles.AllOf(AuditBundleFiles.VersionOf(source.FileNames),
                withDocuments: source.FileNames.Contains(AuditBundleFiles.Disclosure, StringComparer.Ordinal));
            var missing = files.Except(source.FileNames, StringComparer.Ordinal).ToList();
            var extra = source.FileNames.Except(files, StringComparer.Ordinal).ToList();
            if (missing.Count > 0 || extra.Count > 0)
            {
                throw new InvalidOperationException(
                    $"{bundleDirectory} is not a complete bundle: {(missing.Count > 0 ? "missing " + string.Join(", ", missing) : "")}" +
                    $"{(missing.Count > 0 && extra.Count > 0 ? "; " : "")}{(extra.Count > 0 ? "not part of a bundle: " + string.Join(", ", extra) : "")}.");
            }
        }

        await PackFilesAsync(bundleDirectory, files, zipPath, deflated: null, zip64From, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Packs <paramref name="files"/> of <paramref name="bundleDirectory"/> into a ZIP at
    /// <paramref name="zipPath"/>, in that order; a file with a deflated copy in
    /// <paramref name="deflated"/> (made as it was written) is copied from it, any other deflated now.
    /// </summary>
    internal static async Task PackFilesAsync(
        string bundleDirectory, IEnumerable<string> files, string zipPath, IReadOnlyDictionary<string, (string Path, DeflatedSize Size)>? deflated,
        long zip64From, CancellationToken cancellationToken)
    {
        var output = new FileStream(zipPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 1 << 20, FileOptions.Asynchronous);
        await using (output.ConfigureAwait(false))
        {
            var zip = new ZipWriter(output, zip64From);
            foreach (var name in files)
            {
                if (deflated is not null && deflated.TryGetValue(name, out var copy))
                {
                    await zip.AddDeflatedAsync(name, copy.Path, copy.Size, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await zip.AddFileAsync(name, Path.Combine(bundleDirectory, name), Level, cancellationToken).ConfigureAwait(false);
                }
            }

            await zip.FinishAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Opens a bundle packed as a ZIP archive; its entries are read in place, never extracted.</summary>
    /// <exception cref="InvalidDataException">The file is not a ZIP archive.</exception>
    public static AuditBundleSource Open(string zipPath) => new ZipBundleSource(zipPath);

    /// <summary>
    /// Each file is read through an archive of its own over its own file stream, so the verifier can
    /// read <c>events.ndjson</c> and <c>proofs.ndjson</c> side by side without their reads seeking
    /// one shared stream back and forth.
    /// </summary>
    private sealed class ZipBundleSource : AuditBundleSource
    {
        private readonly string _path;

        public ZipBundleSource(string path)
        {
            _path = path;
            using var archive = OpenArchive();
            FileNames = [.. archive.Entries.Select(e => e.FullName)];
        }

        public override string Location => _path;

        public override string Kind => "ZIP archive";

        public override IReadOnlyList<string> FileNames { get; }

        public override Stream OpenRead(string fileName)
        {
            var archive = OpenArchive();
            try
            {
                var entry = archive.GetEntry(fileName) ?? throw new FileNotFoundException($"The archive has no entry {fileName}.", fileName);
                return new EntryStream(entry.Open(), archive);
            }
            catch
            {
                archive.Dispose();
                throw;
            }
        }

        private ZipArchive OpenArchive()
        {
            var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
            try
            {
                return new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: false);
            }
            catch (InvalidDataException e)
            {
                file.Dispose();
                throw new InvalidDataException($"{_path} is not a ZIP archive: {e.Message}", e);
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }
    }

    /// <summary>An entry's stream that closes its archive (and the archive's file) with it.</summary>
    private sealed class EntryStream(Stream entry, ZipArchive archive) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => entry.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => entry.Read(buffer);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => entry.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            entry.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                entry.Dispose();
                archive.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
