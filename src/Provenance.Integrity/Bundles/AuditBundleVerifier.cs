using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Provenance.Integrity.Checkpoints;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// Verifies an audit bundle, a directory or a ZIP archive, offline: every check of "What a
/// verifier checks" in docs/audit-bundle-format.md. It reads each file once, front to back, in
/// bounded memory, and goes on after a failure wherever that is cheap, so one run reports what is
/// wrong rather than only the first thing.
/// </summary>
/// <remarks>
/// The checkpoint is checked with the key given to the constructor, which should come from
/// somewhere the caller trusts (the log operator's published key). Without one, the bundle's own
/// <c>public-key.txt</c> is used and the result says so (<see cref="BundleVerificationResult.TrustedBundleKey"/>):
/// anyone can make a bundle that is consistent with a key of their own.
/// </remarks>
public sealed partial class AuditBundleVerifier
{
    /// <summary>How many failures a result lists unless told otherwise.</summary>
    public const int DefaultMaxFailures = 20;

    private const int MaxPublicKeyBytes = 4 << 10;
    private const int MaxCheckpointBytes = 1 << 20;
    private const int MaxManifestBytes = 64 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly VerifierKey? _trustedKey;

    /// <summary>Creates a verifier.</summary>
    /// <param name="trustedKey">The log's key, from somewhere trusted; <see langword="null"/> to use the bundle's own (and say so).</param>
    public AuditBundleVerifier(VerifierKey? trustedKey = null)
    {
        _trustedKey = trustedKey;
    }

    /// <summary>Witnesses whose cosignatures of the checkpoint to check (#17; C2SP tlog-cosignature/v1).</summary>
    public IReadOnlyList<Witnessing.WitnessKey> Witnesses { get; init; } = [];

    /// <summary>How many of <see cref="Witnesses"/> must have cosigned the checkpoint; 0 to only report which did.</summary>
    public int Quorum { get; init; }

    /// <summary>How many failures a result lists (all are counted). At least 1.</summary>
    public int MaxFailures { get; init; } = DefaultMaxFailures;

    /// <summary>Told how many events have been checked, every few thousand and at the end.</summary>
    public IProgress<BundleVerificationProgress>? Progress { get; init; }

    /// <summary>Verifies the bundle at <paramref name="path"/>: a directory, or else a ZIP archive.</summary>
    /// <exception cref="FileNotFoundException">Nothing is at the path.</exception>
    public async Task<BundleVerificationResult> VerifyAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AuditBundleSource source;
        try
        {
            source = AuditBundleSource.Open(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException and not FileNotFoundException and not DirectoryNotFoundException)
        {
            var unreadable = new BundleVerificationResult(path, Math.Max(1, MaxFailures));
            unreadable.Fail(Path.GetFileName(path), null, $"the bundle cannot be read: {e.Message}");
            return unreadable;
        }

        using (source)
        {
            return await VerifyAsync(source, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Verifies the bundle <paramref name="bundle"/> holds.</summary>
    public async Task<BundleVerificationResult> VerifyAsync(AuditBundleSource bundle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var result = new BundleVerificationResult(bundle.Location, Math.Max(1, MaxFailures));
        var manifest = await ReadManifestAsync(bundle, result, cancellationToken).ConfigureAwait(false);
        // The format version says which files a bundle holds; without a manifest, the files say it.
        var version = manifest?.FormatVersion ?? AuditBundleFiles.VersionOf(bundle.FileNames);
        result.FormatVersion = version;
        // #18: a model-version bundle of version 2 may carry the scope documents, both or neither.
        var documents = version >= 2 && (manifest?.Files.Any(f => AuditBundleFiles.Documents.Contains(f.Path, StringComparer.Ordinal)) ??
                                         bundle.FileNames.Any(n => AuditBundleFiles.Documents.Contains(n, StringComparer.Ordinal)));
        CheckFileSet(bundle, version, documents, result);
        if (documents && manifest is not null && manifest.Scope.Kind != BundleScope.ModelVersionKind)
        {
            result.Fail(AuditBundleFiles.Manifest, 1, $"only a model-version bundle carries {string.Join(" and ", AuditBundleFiles.Documents)}, and this one's scope is {manifest.Scope}");
        }

        var files = new BundleVerificationResult(bundle.Location, result.MaxFailures);
        var hashing = Task.CompletedTask;
        if (manifest is not null)
        {
            result.Scope = manifest.Scope;
            result.Origin = manifest.Origin;
            result.Streams = manifest.Streams;
            result.Positions = manifest.Positions;

            // prov.json can be as large as the events: hash the derived files alongside the event pass.
            hashing = Task.Run(() => CheckListedFilesAsync(bundle, manifest, documents, files, cancellationToken), cancellationToken);
        }

        try
        {
            var checkpoint = await ReadCheckpointAsync(bundle, manifest, result, cancellationToken).ConfigureAwait(false);
            var proved = documents ? new HashSet<long>() : null;
            var events = await CheckEventsAsync(bundle, version, manifest, checkpoint, proved, result, cancellationToken).ConfigureAwait(false);
            if (proved is not null)
            {
                await CheckDocumentsAsync(bundle, proved, events is not null && checkpoint is not null, result, cancellationToken).ConfigureAwait(false);
            }

            if (manifest is { FormatVersion: >= 2 })
            {
                await CheckProvedCompletenessAsync(bundle, manifest, checkpoint, events, result, cancellationToken).ConfigureAwait(false);
            }
            else if (manifest is not null)
            {
                await CheckScopeClosureAsync(bundle, manifest, result, cancellationToken).ConfigureAwait(false);
                result.Warn("this is a version 1 bundle: its events are proved, but which streams (or positions) make its scope complete is the exporter's claim, " +
                            "not proved; a version 2 bundle proves it against the stream index the checkpoint signs");
            }
        }
        finally
        {
            await hashing.ConfigureAwait(false);
        }

        result.Add(files);
        return result;
    }

    private static void CheckFileSet(AuditBundleSource bundle, int version, bool documents, BundleVerificationResult result)
    {
        var files = AuditBundleFiles.AllOf(version, documents);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in bundle.FileNames)
        {
            if (!seen.Add(name))
            {
                result.Fail(name, null, $"the {bundle.Kind} holds this file more than once");
            }
            else if (!files.Contains(name, StringComparer.Ordinal))
            {
                result.Fail(name, null, $"this file is not part of an audit bundle (version {version}), which holds only {string.Join(", ", files)}");
            }
        }

        foreach (var name in files.Where(n => !seen.Contains(n)))
        {
            result.Fail(name, null, "the file is missing");
        }
    }

    private static async Task<BundleManifest?> ReadManifestAsync(AuditBundleSource bundle, BundleVerificationResult result, CancellationToken cancellationToken)
    {
        var bytes = await ReadSmallFileAsync(bundle, AuditBundleFiles.Manifest, MaxManifestBytes, result, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }

        var problems = new List<string>();
        try
        {
            var manifest = BundleManifest.Read(bytes, problems);
            foreach (var problem in problems)
            {
                result.Fail(AuditBundleFiles.Manifest, 1, problem);
            }

            return manifest;
        }
        catch (FormatException e)
        {
            foreach (var problem in problems)
            {
                result.Fail(AuditBundleFiles.Manifest, 1, problem);
            }

            result.Fail(AuditBundleFiles.Manifest, 1, $"the manifest cannot be used: {e.Message}; nothing it claims was checked");
            return null;
        }
    }

    /// <summary>The manifest lists exactly the other files of a bundle; the small ones are hashed here, the event files in their pass.</summary>
    private static async Task CheckListedFilesAsync(
        AuditBundleSource bundle, BundleManifest manifest, bool documents, BundleVerificationResult result, CancellationToken cancellationToken)
    {
        foreach (var file in manifest.Files.Where(f => !AuditBundleFiles.ListedOf(manifest.FormatVersion, documents).Contains(f.Path, StringComparer.Ordinal)))
        {
            result.Fail(AuditBundleFiles.Manifest, 1, $"the manifest lists {file.Path}, which is not a file of an audit bundle");
        }

        foreach (var name in AuditBundleFiles.ListedOf(manifest.FormatVersion, documents))
        {
            var listed = manifest.Files.FirstOrDefault(f => f.Path == name);
            if (listed is null)
            {
                result.Fail(AuditBundleFiles.Manifest, 1, $"the manifest does not list {name}");
            }
            else if (name is not AuditBundleFiles.Events and not AuditBundleFiles.Proofs and not AuditBundleFiles.Multiproof && bundle.FileNames.Contains(name, StringComparer.Ordinal))
            {
                try
                {
                    var (bytes, sha256) = await HashAsync(bundle, name, cancellationToken).ConfigureAwait(false);
                    CompareWithManifest(listed, bytes, sha256, result);
                }
                catch (Exception e) when (e is IOException or InvalidDataException)
                {
                    result.Fail(name, null, $"the file cannot be read to its end: {e.Message}");
                }
            }
        }
    }

    private static void CompareWithManifest(ManifestFile listed, long bytes, string sha256, BundleVerificationResult result)
    {
        if (bytes != listed.Bytes)
        {
            result.Fail(listed.Path, null, $"the file is {bytes:N0} bytes; the manifest says {listed.Bytes:N0}");
        }
        else if (sha256 != listed.Sha256)
        {
            result.Fail(listed.Path, null, $"the file's SHA-256 is {sha256}; the manifest says {listed.Sha256}");
        }
    }

    private static async Task<(long Bytes, string Sha256)> HashAsync(AuditBundleSource bundle, string name, CancellationToken cancellationToken)
    {
        var stream = bundle.OpenRead(name);
        await using (stream.ConfigureAwait(false))
        {
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = ArrayPool<byte>.Shared.Rent(LineChunkReader.ChunkSize);
            try
            {
                long bytes = 0;
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    sha256.AppendData(buffer, 0, read);
                    bytes += read;
                }

                return (bytes, Convert.ToHexStringLower(sha256.GetHashAndReset()));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static async Task<byte[]?> ReadSmallFileAsync(AuditBundleSource bundle, string name, int maxBytes, BundleVerificationResult result, CancellationToken cancellationToken)
    {
        if (!bundle.FileNames.Contains(name, StringComparer.Ordinal))
        {
            return null;
        }

        try
        {
            return await ReadAllAsync(bundle, name, maxBytes, result, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            result.Fail(name, null, $"the file cannot be read to its end: {e.Message}");
            return null;
        }
    }

    private static async Task<byte[]?> ReadAllAsync(AuditBundleSource bundle, string name, int maxBytes, BundleVerificationResult result, CancellationToken cancellationToken)
    {
        var stream = bundle.OpenRead(name);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new MemoryStream();
            var chunk = new byte[1 << 16];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    result.Fail(name, null, $"the file is larger than the {maxBytes:N0} bytes a bundle's {name} can be");
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private static string? DecodeText(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
