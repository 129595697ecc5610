using System.Buffers;
using System.Text;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Merkle;
using Provenance.Integrity.StreamIndex;

namespace Provenance.Integrity.Bundles;

/// <summary>What a bundle is about and what it is proved against, given when it is created.</summary>
/// <param name="Scope">What was asked for: the manifest's <c>scope</c>.</param>
/// <param name="Completeness">What the bundle claims to hold completely: streams for a stream scope, positions for a time range.</param>
/// <param name="SignedCheckpoint">The signed note of the checkpoint every proof is against (written to <c>checkpoint.txt</c>).</param>
/// <param name="VerifierKey">The log's verifier key in its text form (written to <c>public-key.txt</c>); its name is the log's origin.</param>
public sealed record AuditBundleHeader(BundleScope Scope, BundleCompleteness Completeness, string SignedCheckpoint, string VerifierKey)
{
    /// <summary>
    /// Version 2 (a checkpoint that carries a stream index root): for a stream scope, the proof of
    /// each claimed stream's entry in the stream index at the checkpoint's size (written to <c>index.ndjson</c>).
    /// </summary>
    public IReadOnlyList<StreamIndexProof> StreamIndex { get; init; } = [];

    /// <summary>
    /// Version 2, for a time range: the event just before the claimed positions (when they do not
    /// start at 1) and the one just after them (when they do not end at the tree's size), each with
    /// its inclusion proof (written to <c>edges.ndjson</c>).
    /// </summary>
    public IReadOnlyList<BundleEdge> Edges { get; init; } = [];

    /// <summary>#18: a version 2 model-version bundle's scope documents (<c>model-card.xml</c>, <c>disclosure.json</c>), or null.</summary>
    public ScopeDocuments? Documents { get; init; }
}

/// <summary>How an <see cref="AuditBundleWriter"/> writes, beyond what the bundle holds.</summary>
public sealed record AuditBundleWriterOptions
{
    /// <summary>
    /// #22: deflate the large files (<c>events.ndjson</c>, <c>proofs.ndjson</c>, <c>prov.json</c>)
    /// into temporary copies as they are written, on the cores the writing leaves idle, so that
    /// <see cref="AuditBundleWriter.PackAsync"/> copies them into the ZIP instead of deflating the
    /// files after. The large files are then kept only deflated: the directory holds the small
    /// files alone and is not a bundle by itself (writing and deleting 2.4 GB of plain files a
    /// million events was about a tenth of an export's work). The ZIP is the same, byte for byte,
    /// as <see cref="ZipBundle.PackAsync(string, string, CancellationToken)"/> makes of the
    /// directory the same bundle written without this option.
    /// </summary>
    public bool DeflateForZip { get; init; }

    /// <summary>
    /// #22: write a version 3 bundle, whose events are proved by one multiproof
    /// (<c>multiproof.txt</c>) instead of an inclusion proof each, its subtree hashes read from
    /// this source (the log's stored subtrees). Its events are written with
    /// <see cref="AuditBundleWriter.WriteEventAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.
    /// A checkpoint that carries no stream index still makes a version 1 bundle (see
    /// <see cref="AuditBundleWriter.FormatVersion"/>), proved event by event.
    /// </summary>
    public ISubtreeHashSource? Multiproof { get; init; }

    /// <summary>Version 3: how many events' gaps are read from <see cref="Multiproof"/> in one call (at least 1; the bytes are the same whatever it is).</summary>
    public int MultiproofBatch { get; init; } = 8192;
}

/// <summary>
/// The events written to a version 3 bundle and the stored subtrees do not fold to the signed
/// checkpoint's root: the log, or its stored tree, no longer matches what was signed.
/// </summary>
public sealed class BundleProofException(string message) : Exception(message);

/// <summary>A model-version bundle's scope documents (#18), as the exporter rendered them: the model card's XML and the disclosure's JSON.</summary>
public sealed record ScopeDocuments(byte[] ModelCardXml, byte[] DisclosureJson);

/// <summary>
/// Writes an audit bundle directory (docs/audit-bundle-format.md) one event at a time, in bounded
/// memory: each event's envelope and proof are appended to <c>events.ndjson</c> and
/// <c>proofs.ndjson</c> and hashed as they are written, and <see cref="CompleteAsync"/> writes
/// <c>prov.json</c>, <c>report.html</c> and, last, <c>manifest.json</c>.
/// </summary>
/// <remarks>
/// The writer checks what it is given as a verifier would: each envelope is canonical, positions
/// increase, each proof leads to the signed checkpoint's root, and the events bear out the
/// completeness claims; it refuses to write a manifest they contradict. Any failure leaves the
/// writer faulted and the directory without a manifest, so never a valid bundle: discard it.
/// Not thread-safe.
/// </remarks>
public sealed class AuditBundleWriter : IAsyncDisposable
{
    private static readonly byte[] Newline = "\n"u8.ToArray();

    private readonly AuditBundleHeader _header;
    private readonly Checkpoint _checkpoint;
    private readonly HashingFile _events;
    private readonly HashingFile _proofs;
    private readonly List<ManifestFile> _files;
    private readonly EnvelopeReader _reader = new();
    private readonly InclusionProofMemo _memo;
    private readonly DirectoryInfo? _deflated;
    private readonly Dictionary<string, (string Path, DeflatedSize Size)> _deflatedFiles = new(StringComparer.Ordinal);
    private readonly CompletenessTracker _completeness;
    private readonly ProvDocumentBuilder _prov = new();
    private readonly ArrayBufferWriter<byte> _proofLine = new(4096);
    private readonly int _version;
    private readonly ISubtreeHashSource? _subtrees;
    private readonly MultiproofFold? _fold;
    private readonly List<(ulong Begin, ulong End)> _gapNodes = [];
    private readonly List<(ulong Begin, ulong End, bool Proved)> _pending = [];
    private readonly byte[] _pendingLeaves;
    private int _pendingLeafCount;
    private readonly Dictionary<Guid, StreamIndexEntry> _indexed;
    private readonly Dictionary<string, long> _eventsByType = new(StringComparer.Ordinal);
    private long _lastPosition;
    private bool _faulted;
    private bool _completed;

    private AuditBundleWriter(string directory, AuditBundleHeader header, Checkpoint checkpoint, List<ManifestFile> files, int version, AuditBundleWriterOptions options)
    {
        _deflated = options.DeflateForZip ? System.IO.Directory.CreateTempSubdirectory("provenance-deflated-") : null;
        _version = version;
        // Version 3: leaves and gaps held until their gaps' hashes are read in one call.
        _pendingLeaves = new byte[(version >= 3 ? Math.Max(1, options.MultiproofBatch) : 0) * MerkleTree.HashSize];
        if (version >= 3)
        {
            _subtrees = options.Multiproof;
            _fold = new MultiproofFold(checkpoint.TreeSize);
        }

        _indexed = header.StreamIndex.ToDictionary(p => p.Stream, p => p.Entry!);
        Directory = directory;
        _header = header;
        _checkpoint = checkpoint;
        _files = files;
        _memo = new InclusionProofMemo(checkpoint.TreeSize, checkpoint.RootHash.Span);
        _completeness = CompletenessTracker.ForWriter(header.Completeness);
        _events = new HashingFile(directory, AuditBundleFiles.Events, DeflatedCopy(AuditBundleFiles.Events));
        _proofs = new HashingFile(directory, AuditBundleFiles.ProofsOf(version), DeflatedCopy(AuditBundleFiles.ProofsOf(version)));
    }

    /// <summary>The bundle's directory.</summary>
    public string Directory { get; }

    /// <summary>The log's origin (the checkpoint's first line and the key's name).</summary>
    public string Origin => _checkpoint.Origin;

    /// <summary>The checkpoint's tree size: every proof is against the tree of this size.</summary>
    public ulong TreeSize => _checkpoint.TreeSize;

    /// <summary>The checkpoint's root hash.</summary>
    public ReadOnlyMemory<byte> RootHash => _checkpoint.RootHash;

    /// <summary>
    /// The bundle's format version: 1 when the checkpoint carries no stream index; else 3 when
    /// written with <see cref="AuditBundleWriterOptions.Multiproof"/>, 2 without.
    /// </summary>
    public int FormatVersion => _version;

    /// <summary>How many events were written.</summary>
    public long EventCount { get; private set; }

    /// <summary>How many events of each type were written (for the report).</summary>
    public IReadOnlyDictionary<string, long> EventCountsByType => _eventsByType;

    /// <summary>
    /// Creates the directory (or takes an empty one), checks the checkpoint against the key, and
    /// writes <c>checkpoint.txt</c> and <c>public-key.txt</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The key is not a verifier key, the checkpoint does not verify with it (its origin must be the key's name), or the completeness claims do not fit the scope or the tree.</exception>
    /// <exception cref="IOException">The directory exists and is not empty.</exception>
    public static Task<AuditBundleWriter> CreateAsync(string directory, AuditBundleHeader header, CancellationToken cancellationToken = default) =>
        CreateAsync(directory, header, new AuditBundleWriterOptions(), cancellationToken);

    /// <summary>As <see cref="CreateAsync(string, AuditBundleHeader, CancellationToken)"/>, writing as <paramref name="options"/> say.</summary>
    /// <exception cref="ArgumentException">The key is not a verifier key, the checkpoint does not verify with it (its origin must be the key's name), or the completeness claims do not fit the scope or the tree.</exception>
    /// <exception cref="IOException">The directory exists and is not empty.</exception>
    public static async Task<AuditBundleWriter> CreateAsync(string directory, AuditBundleHeader header, AuditBundleWriterOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(header.Scope);
        ArgumentNullException.ThrowIfNull(header.Completeness);
        var checkpoint = VerifiedCheckpoint(header);
        if (header.Scope.IsStreamScope != header.Completeness.Positions is null)
        {
            throw new ArgumentException(header.Scope.IsStreamScope
                ? "A stream scope claims complete streams (BundleCompleteness.ForStreams), not positions."
                : "A time-range scope claims positions (BundleCompleteness.ForPositions), not streams.", nameof(header));
        }

        if (header.Completeness.Positions is { } positions && (ulong)positions.Last > checkpoint.TreeSize)
        {
            throw new ArgumentException($"Positions up to {positions.Last} are claimed, but the checkpoint's tree has {checkpoint.TreeSize} events.", nameof(header));
        }

        // #16: a checkpoint that carries the stream index root makes a version 2 bundle, whose
        // completeness is proved (index.ndjson, edges.ndjson) rather than claimed.
        byte[]? indexRoot;
        try
        {
            indexRoot = StreamIndexCheckpoint.Root(checkpoint);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"The checkpoint's stream index line is malformed: {e.Message}", nameof(header), e);
        }

        var version = indexRoot is null ? 1 : options.Multiproof is null ? 2 : 3;
        if (indexRoot is null && (header.StreamIndex.Count > 0 || header.Edges.Count > 0))
        {
            throw new ArgumentException("The checkpoint carries no stream index: a version 1 bundle has no index proofs or edges.", nameof(header));
        }

        if (header.Documents is not null && (version < 2 || header.Scope.Kind != BundleScope.ModelVersionKind))
        {
            throw new ArgumentException("Only a model-version bundle of version 2 or later carries scope documents (model-card.xml, disclosure.json).", nameof(header));
        }

        var indexLines = indexRoot is null ? null : IndexLines(header, indexRoot);
        var edgeLines = indexRoot is null ? null : EdgeLines(header, checkpoint);
        var info = System.IO.Directory.CreateDirectory(directory);
        if (info.EnumerateFileSystemInfos().Any())
        {
            throw new IOException($"The bundle directory {directory} is not empty.");
        }

        var files = new List<ManifestFile>
        {
            await WriteSmallFileAsync(directory, AuditBundleFiles.Checkpoint, Encoding.UTF8.GetBytes(header.SignedCheckpoint), cancellationToken).ConfigureAwait(false),
            await WriteSmallFileAsync(directory, AuditBundleFiles.PublicKey, Encoding.UTF8.GetBytes(header.VerifierKey + "\n"), cancellationToken).ConfigureAwait(false),
        };
        if (indexLines is not null && edgeLines is not null)
        {
            files.Add(await WriteSmallFileAsync(directory, AuditBundleFiles.Index, indexLines, cancellationToken).ConfigureAwait(false));
            files.Add(await WriteSmallFileAsync(directory, AuditBundleFiles.Edges, edgeLines, cancellationToken).ConfigureAwait(false));
        }

        return new AuditBundleWriter(directory, header, checkpoint, files, version, options);
    }

    /// <summary>Appends one event: a line of <c>events.ndjson</c> and the line of <c>proofs.ndjson</c> that proves it.</summary>
    /// <param name="canonicalEnvelope">The event's canonical envelope (its leaf input), without a newline.</param>
    /// <param name="inclusionProof">Its RFC 9162 inclusion proof in the checkpoint's tree, deepest hash first.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="ArgumentException">The envelope is not canonical, its position does not follow the last one or is beyond the tree, or the proof does not lead to the checkpoint's root.</exception>
    /// <exception cref="InvalidOperationException">The event contradicts the completeness claims (a stream that is not claimed, a version or position out of sequence), or the writer is completed or faulted.</exception>
    public async ValueTask WriteEventAsync(ReadOnlyMemory<byte> canonicalEnvelope, IReadOnlyList<byte[]> inclusionProof, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inclusionProof);
        ThrowIfUnusable();
        if (_version >= 3)
        {
            throw new InvalidOperationException("A version 3 bundle's events are proved by its multiproof: write them without a proof each.");
        }

        _faulted = true;
        var envelope = CheckEvent(canonicalEnvelope);
        CheckProof(canonicalEnvelope, envelope, inclusionProof);
        _proofLine.ResetWrittenCount();
        ProofLine.Write(_proofLine, envelope.Position, inclusionProof);
        _proofLine.Write(Newline);
        await _proofs.WriteAsync(_proofLine.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await AddEventAsync(canonicalEnvelope, envelope, cancellationToken).ConfigureAwait(false);
        _faulted = false;
    }

    /// <summary>
    /// Appends one event to a version 3 bundle (<see cref="AuditBundleWriterOptions.Multiproof"/>):
    /// a line of <c>events.ndjson</c>; the multiproof is written as the events come, and checked
    /// against the checkpoint's root by <see cref="CompleteAsync"/>.
    /// </summary>
    /// <param name="canonicalEnvelope">The event's canonical envelope (its leaf input), without a newline.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="ArgumentException">The envelope is not canonical, or its position does not follow the last one or is beyond the tree.</exception>
    /// <exception cref="InvalidOperationException">The event contradicts the completeness claims, the bundle is not of version 3, or the writer is completed or faulted.</exception>
    /// <exception cref="KeyNotFoundException">The source has not stored a subtree the multiproof needs.</exception>
    public async ValueTask WriteEventAsync(ReadOnlyMemory<byte> canonicalEnvelope, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        if (_fold is null)
        {
            throw new InvalidOperationException($"A version {_version} bundle proves each event: write it with its inclusion proof.");
        }

        _faulted = true;
        var envelope = CheckEvent(canonicalEnvelope);
        var leaf = (ulong)envelope.Position - 1;
        AddGap(leaf);
        _pending.Add((leaf, leaf + 1, true));
        MerkleTree.LeafHashInto(canonicalEnvelope.Span, _pendingLeaves.AsSpan(_pendingLeafCount++ * MerkleTree.HashSize, MerkleTree.HashSize));
        if (_pendingLeafCount * MerkleTree.HashSize == _pendingLeaves.Length)
        {
            await FoldPendingAsync(cancellationToken).ConfigureAwait(false);
        }

        await AddEventAsync(canonicalEnvelope, envelope, cancellationToken).ConfigureAwait(false);
        _faulted = false;
    }

    private async ValueTask AddEventAsync(ReadOnlyMemory<byte> canonicalEnvelope, Envelope envelope, CancellationToken cancellationToken)
    {
        if (_completeness.Observe(envelope) is { } contradiction)
        {
            throw new InvalidOperationException($"The event at position {envelope.Position} contradicts the bundle's completeness claims: {contradiction}.");
        }

        await _events.WriteAsync(canonicalEnvelope, cancellationToken).ConfigureAwait(false);
        await _events.WriteAsync(Newline, cancellationToken).ConfigureAwait(false);
        if (ProvDocumentBuilder.Describes(envelope.Type))
        {
            _prov.Add(canonicalEnvelope);
        }

        _lastPosition = envelope.Position;
        _eventsByType[envelope.Type] = _eventsByType.GetValueOrDefault(envelope.Type) + 1;
        EventCount++;
    }

    // Version 3: the gap after the last event, then the fold must be the signed root.
    private async ValueTask CompleteMultiproofAsync(CancellationToken cancellationToken)
    {
        AddGap(_checkpoint.TreeSize);
        await FoldPendingAsync(cancellationToken).ConfigureAwait(false);
        if (!_fold!.Root().AsSpan().SequenceEqual(_checkpoint.RootHash.Span))
        {
            throw new BundleProofException(
                $"The {EventCount:N0} events written and the stored subtrees between them do not fold to the root of the checkpoint of {_checkpoint.TreeSize:N0} events.");
        }
    }

    // Version 3: reads the pending gaps' hashes in one call, writes them to multiproof.txt and
    // folds them with the pending leaves, left to right.
    private async ValueTask FoldPendingAsync(CancellationToken cancellationToken)
    {
        var gaps = _pending.Where(n => !n.Proved).Select(n => (n.Begin, n.End)).ToList();
        var hashes = await Multiproof.HashesAsync(_subtrees!, gaps, cancellationToken).ConfigureAwait(false);
        int gap = 0, leaf = 0;
        var line = new byte[MultiproofLine.Length];
        foreach (var (begin, end, proved) in _pending)
        {
            if (proved)
            {
                _fold!.AddLeaf(begin, _pendingLeaves.AsSpan(leaf++ * MerkleTree.HashSize, MerkleTree.HashSize));
            }
            else
            {
                _fold!.Add(begin, end, hashes[gap]);
                MultiproofLine.Write(hashes[gap++], line);
                await _proofs.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            }
        }

        _pending.Clear();
        _pendingLeafCount = 0;
    }

    // The largest subtrees between the last event written (leaf _lastPosition − 1) and leaf `end`, pending until their hashes are read.
    private void AddGap(ulong end)
    {
        _gapNodes.Clear();
        Multiproof.GapNodes((ulong)_lastPosition, end, _checkpoint.TreeSize, _gapNodes);
        foreach (var (begin, stop) in _gapNodes)
        {
            _pending.Add((begin, stop, false));
        }
    }

    /// <summary>
    /// Checks the completeness claims against every event written, then writes <c>prov.json</c>,
    /// <c>report.html</c> and, last, <c>manifest.json</c>.
    /// </summary>
    /// <param name="reportHtml">The bytes of <c>report.html</c> (see <see cref="EventCountsByType"/> for its counts).</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <exception cref="InvalidOperationException">The events do not bear out the completeness claims (a claimed stream or positions missing), or the writer is completed or faulted.</exception>
    public async Task CompleteAsync(ReadOnlyMemory<byte> reportHtml, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        _faulted = true;
        var missing = _completeness.Finish().ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"The bundle's events do not bear out its completeness claims: {string.Join("; ", missing)}.");
        }

        if (_version >= 2)
        {
            CheckAgainstIndex();
        }

        if (_fold is not null)
        {
            await CompleteMultiproofAsync(cancellationToken).ConfigureAwait(false);
        }

        _files.Add(await CompleteFileAsync(_events, cancellationToken).ConfigureAwait(false));
        _files.Add(await CompleteFileAsync(_proofs, cancellationToken).ConfigureAwait(false));
        var prov = new HashingFile(Directory, AuditBundleFiles.Prov, DeflatedCopy(AuditBundleFiles.Prov));
        await using (prov.ConfigureAwait(false))
        {
            await _prov.WriteCanonicalAsync(prov, cancellationToken).ConfigureAwait(false);
            _prov.Dispose();
            await prov.WriteAsync(Newline, cancellationToken).ConfigureAwait(false);
            _files.Add(await CompleteFileAsync(prov, cancellationToken).ConfigureAwait(false));
        }

        _files.Add(await WriteSmallFileAsync(Directory, AuditBundleFiles.Report, reportHtml, cancellationToken).ConfigureAwait(false));
        if (_header.Documents is { } documents)
        {
            _files.Add(await WriteSmallFileAsync(Directory, AuditBundleFiles.ModelCard, documents.ModelCardXml, cancellationToken).ConfigureAwait(false));
            _files.Add(await WriteSmallFileAsync(Directory, AuditBundleFiles.Disclosure, documents.DisclosureJson, cancellationToken).ConfigureAwait(false));
        }

        var manifest = new BundleManifest(
            _version,
            _checkpoint.Origin, _checkpoint.TreeSize, _header.Scope, EventCount, _completeness.Claims(), _header.Completeness.Positions, _files);
        await File.WriteAllBytesAsync(Path.Combine(Directory, AuditBundleFiles.Manifest), manifest.ToBytes(), cancellationToken).ConfigureAwait(false);
        _completed = true;
        _faulted = false;
    }

    /// <summary>
    /// Packs the completed bundle into a ZIP at <paramref name="zipPath"/> (replacing any file
    /// there): the same archive, byte for byte, as <see cref="ZipBundle.PackAsync(string, string, CancellationToken)"/>
    /// makes of the directory, its large files copied from the deflated copies when the writer
    /// was created with <see cref="AuditBundleWriterOptions.DeflateForZip"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The bundle is not complete.</exception>
    public async Task PackAsync(string zipPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(zipPath);
        if (!_completed)
        {
            throw new InvalidOperationException("Only a complete bundle is packed.");
        }

        await ZipBundle.PackFilesAsync(
            Directory, AuditBundleFiles.AllOf(_version, withDocuments: _header.Documents is not null), zipPath, _deflatedFiles, ZipWriter.Zip64Limit, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Closes the files and deletes the temporary ones (the PROV document's, the deflated copies); a bundle not completed has no manifest.</summary>
    public async ValueTask DisposeAsync()
    {
        _prov.Dispose();
        await _events.DisposeAsync().ConfigureAwait(false);
        await _proofs.DisposeAsync().ConfigureAwait(false);
        try
        {
            _deflated?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temporary folder cleanup.
        }
    }

    private string? DeflatedCopy(string name) => _deflated is null ? null : Path.Combine(_deflated.FullName, name + ".deflate");

    private async Task<ManifestFile> CompleteFileAsync(HashingFile file, CancellationToken cancellationToken)
    {
        var entry = await file.CompleteAsync(cancellationToken).ConfigureAwait(false);
        if (file is { DeflatedCopy: { } path, Deflated: { } size })
        {
            _deflatedFiles[file.Name] = (path, size);
        }

        return entry;
    }

    // Each claimed stream ends where the stream index says: its last version, at its last position.
    private void CheckAgainstIndex()
    {
        var lastPositions = _completeness.LastPositions();
        foreach (var claim in _completeness.Claims())
        {
            var entry = _indexed[claim.Stream];
            var lastPosition = lastPositions.GetValueOrDefault(claim.Stream);
            if (entry.Type != claim.StreamType || entry.LastVersion != claim.LastVersion || entry.LastPosition != lastPosition)
            {
                throw new InvalidOperationException(
                    $"The stream index says {entry.Type} stream {claim.Stream} ends at version {entry.LastVersion} (position {entry.LastPosition}); " +
                    $"the bundle's events of it end at version {claim.LastVersion} (position {lastPosition}).");
            }
        }
    }

    // index.ndjson: one proof per claimed stream, sorted by stream; each proves the stream's entry against the root.
    private static byte[] IndexLines(AuditBundleHeader header, byte[] root)
    {
        var claimed = header.Completeness.Streams.ToHashSet();
        var proved = header.StreamIndex.Select(p => p.Stream).ToList();
        if (proved.Count != proved.Distinct().Count() || !claimed.SetEquals(proved))
        {
            throw new ArgumentException("A version 2 bundle has exactly one stream index proof for each stream it claims complete, and no other.", nameof(header));
        }

        var lines = new List<byte>();
        foreach (var proof in header.StreamIndex.OrderBy(p => p.Stream.ToString("D"), StringComparer.Ordinal))
        {
            if (!proof.IsPresent || proof.Verify(root) is { } failure)
            {
                throw new ArgumentException($"The stream index proof of stream {proof.Stream} does not prove its entry against the checkpoint's root{(proof.IsPresent ? ": " + proof.Verify(root) : "")}.", nameof(header));
            }

            lines.AddRange(proof.ToCanonicalJson());
            lines.Add((byte)'\n');
        }

        return [.. lines];
    }

    // edges.ndjson: for a time range, the event before its first position (unless that is 1) and the one after its last (unless that is the tree's size).
    private static byte[] EdgeLines(AuditBundleHeader header, Checkpoint checkpoint)
    {
        if (header.Completeness.Positions is not { } range)
        {
            return header.Edges.Count == 0 ? [] : throw new ArgumentException("Only a time-range bundle has edges.", nameof(header));
        }

        var memo = new InclusionProofMemo(checkpoint.TreeSize, checkpoint.RootHash.Span);
        var wanted = new List<(string Side, long Position)>();
        if (range.First > 1)
        {
            wanted.Add((BundleEdgeLines.Before, range.First - 1));
        }

        if ((ulong)range.Last < checkpoint.TreeSize)
        {
            wanted.Add((BundleEdgeLines.After, range.Last + 1));
        }

        if (header.Edges.Count != wanted.Count)
        {
            throw new ArgumentException($"A time range of positions {range.First} to {range.Last} in a tree of {checkpoint.TreeSize} has {wanted.Count} edge event(s), not {header.Edges.Count}.", nameof(header));
        }

        var lines = new List<byte>();
        foreach (var ((side, position), edge) in wanted.Zip(header.Edges))
        {
            using var envelope = System.Text.Json.JsonDocument.Parse(edge.CanonicalEnvelope);
            var at = BundleEdgeLines.RecordedAt(envelope.RootElement);
            var inRange = at >= header.Scope.From!.Value && at < header.Scope.To!.Value;
            if (envelope.RootElement.GetProperty("position").GetInt64() != position || inRange)
            {
                throw new ArgumentException($"The {side} edge is the event at position {position}, recorded outside the range.", nameof(header));
            }

            var hashes = edge.InclusionProof.SelectMany(h => h).ToArray();
            if (memo.Verify((ulong)position - 1, MerkleTree.LeafHash(edge.CanonicalEnvelope.Span), hashes) is { } failure)
            {
                throw new ArgumentException($"The inclusion proof of the {side} edge (position {position}) does not verify ({failure}).", nameof(header));
            }

            lines.AddRange(BundleEdgeLines.Write(side, position, edge.CanonicalEnvelope.Span, edge.InclusionProof));
            lines.Add((byte)'\n');
        }

        return [.. lines];
    }

    private Envelope CheckEvent(ReadOnlyMemory<byte> canonicalEnvelope)
    {
        if (_reader.Read(canonicalEnvelope.Span, out var envelope, out _) is { } problem)
        {
            throw new ArgumentException($"The event after position {_lastPosition} is refused: {problem}.", nameof(canonicalEnvelope));
        }

        if (envelope.Position <= _lastPosition || (ulong)envelope.Position > _checkpoint.TreeSize)
        {
            throw new ArgumentException(
                $"Position {envelope.Position} does not follow position {_lastPosition} within the checkpoint's tree of {_checkpoint.TreeSize} events.", nameof(canonicalEnvelope));
        }

        return envelope;
    }

    private void CheckProof(ReadOnlyMemory<byte> canonicalEnvelope, in Envelope envelope, IReadOnlyList<byte[]> inclusionProof)
    {
        if (inclusionProof.Count > ProofLine.MaxHashes || inclusionProof.Any(h => h is not { Length: MerkleTree.HashSize }))
        {
            throw new ArgumentException("An inclusion proof is at most 64 hashes of 32 bytes.", nameof(inclusionProof));
        }

        Span<byte> hashes = stackalloc byte[inclusionProof.Count * MerkleTree.HashSize];
        for (var i = 0; i < inclusionProof.Count; i++)
        {
            inclusionProof[i].CopyTo(hashes[(i * MerkleTree.HashSize)..]);
        }

        Span<byte> leafHash = stackalloc byte[MerkleTree.HashSize];
        MerkleTree.LeafHashInto(canonicalEnvelope.Span, leafHash);
        if (_memo.Verify((ulong)envelope.Position - 1, leafHash, hashes) is { } failure)
        {
            throw new ArgumentException($"The inclusion proof of position {envelope.Position} does not verify against the checkpoint ({failure}).", nameof(inclusionProof));
        }
    }

    private void ThrowIfUnusable()
    {
        if (_completed)
        {
            throw new InvalidOperationException("The bundle is complete; nothing more can be written to it.");
        }

        if (_faulted)
        {
            throw new InvalidOperationException("An earlier write failed; the bundle is incomplete and has no manifest. Discard it.");
        }
    }

    private static Checkpoint VerifiedCheckpoint(AuditBundleHeader header)
    {
        VerifierKey key;
        try
        {
            key = VerifierKey.Parse(header.VerifierKey);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"The verifier key is not valid: {e.Message}", nameof(header), e);
        }

        try
        {
            return new CheckpointVerifier(key, key.Name).Verify(header.SignedCheckpoint);
        }
        catch (CheckpointVerificationException e)
        {
            throw new ArgumentException($"The checkpoint does not verify with the key {key.Name}: {e.Message}", nameof(header), e);
        }
    }

    private static async Task<ManifestFile> WriteSmallFileAsync(string directory, string name, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var file = new HashingFile(directory, name);
        await using (file.ConfigureAwait(false))
        {
            await file.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            return await file.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
