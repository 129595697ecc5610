using System.Buffers;
using System.Security.Cryptography;
using System.Threading.Channels;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Integrity;
using Provenance.EventStore;
using Provenance.EventStore.Integrity;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Merkle;
using Provenance.Integrity.StreamIndex;

namespace Provenance.Ledger.Exports;

/// <summary>How an export went: where the bundle is and what it holds.</summary>
public sealed record ExportSummary(string Scope, long TreeSize, long EventCount, IReadOnlyDictionary<string, long> EventsByType);

/// <summary>
/// Writes an audit bundle (docs/audit-bundle-format.md) for a scope, proved against a stored signed
/// checkpoint: the latest one, or the one of the size asked for. Streams the events page by page
/// (a million events never sit in memory) and proves them together with one multiproof (format 3,
/// #22), whose subtrees between the events are read from the stored tree in batches; a checkpoint
/// without a stream index (format 1) proves each page's events from the stored subtrees in one
/// query. The same scope and checkpoint give the same bytes: the report judges clearance on the
/// day the tree's last event was recorded, never on today.
/// </summary>
internal sealed class AuditExporter(
    CheckpointService checkpoints, StreamIndexService streamIndex, SigningKey signingKey, PostgresEventStore store, ISubtreeHashSource subtrees,
    ExportScopeResolver resolver, Models.Disclosing.ModelDocuments documents, Microsoft.Extensions.Options.IOptions<Infrastructure.Database.DatabaseOptions> database)
{
    // A page is at most one aligned block of 1,024 leaves: a time range's full blocks are proved from
    // their own events (MerkleTree.BlockInclusionProofsAsync), anything else leaf by leaf.
    private const int ProofBatch = 1_024;

    // Pages prepared ahead of the writer (each about 1 MB of envelopes and its proofs).
    private const int PagesInFlight = 2;

    /// <summary>
    /// Writes the bundle of <paramref name="scope"/> into <paramref name="directory"/> and, when
    /// <paramref name="zipPath"/> is given, packs it there too: of <paramref name="format"/> 3 (one
    /// multiproof) or 2 (an inclusion proof each); a checkpoint without a stream index gives format 1.
    /// </summary>
    public async Task<ExportSummary> ExportAsync(
        BundleScope scope, long? treeSize, string directory, string? zipPath, IProgress<long>? progress, CancellationToken cancellationToken, int format = 3)
    {
        using var activity = LedgerTelemetry.Source.StartActivity("provenance.export");
        activity?.SetTag("provenance.export.scope", scope.Kind);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var summary = await ExportCoreAsync(scope, treeSize, format, directory, zipPath, progress, cancellationToken);
        var kind = new KeyValuePair<string, object?>("provenance.export.scope", scope.Kind);
        activity?.SetTag("provenance.export.events", summary.EventCount);
        LedgerTelemetry.ExportedEvents.Add(summary.EventCount, kind);
        LedgerTelemetry.ExportDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, kind);
        return summary;
    }

    private async Task<ExportSummary> ExportCoreAsync(
        BundleScope scope, long? treeSize, int format, string directory, string? zipPath, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        // #14: without a size, the log as it stands now, in a checkpoint signed for this export (or the
        // one already signed at that size), so a scope written since the last periodic checkpoint is
        // found. A read-only instance can't sign: it proves against the latest checkpoint.
        var checkpoint = treeSize is { } size
            ? await checkpoints.GetAsync(size, cancellationToken) ?? throw new NotFoundException($"No checkpoint is stored for the tree size {size}.")
            : !database.Value.ReadOnly
                ? (await checkpoints.CheckpointLogHeadAsync(cancellationToken)).Checkpoint
                : await checkpoints.GetLatestAsync(cancellationToken) ?? throw new NotFoundException("No checkpoint has been signed yet. POST /checkpoints signs one.");
        // #17: the bundle carries the witnesses' cosignatures; a checkpoint signed just now gets a moment to collect them.
        checkpoint = await checkpoints.PublishedAsync(checkpoint, cancellationToken);
        var last = await store.ReadRawEventAsync(checkpoint.TreeSize, cancellationToken)
            ?? throw new InvalidOperationException($"The checkpoint covers {checkpoint.TreeSize} events, but the log is shorter.");
        var day = DateOnly.FromDateTime(last.RecordedAt.UtcDateTime);
        // #16: a checkpoint that signs the stream index gives a version 2 bundle, its completeness proved.
        var map = await StreamIndexAtAsync(checkpoint, scope.IsStreamScope, cancellationToken);
        var resolved = await resolver.ResolveAsync(scope, checkpoint.TreeSize, day, map, cancellationToken);
        var completeness = resolved.Positions is { } positions
            ? BundleCompleteness.ForPositions(positions.First, positions.Last)
            : BundleCompleteness.ForStreams(resolved.Streams);
        var header = new AuditBundleHeader(scope, completeness, checkpoint.Note, signingKey.VerifierKey.ToString());
        if (Integrity.GettingCheckpoints.CheckpointView.StreamIndexRootOf(checkpoint) is not null)
        {
            header = header with
            {
                StreamIndex = resolved.Positions is null ? [.. resolved.Streams.Select(map!.Prove)] : [],
                Edges = resolved.Positions is { } range ? await EdgesAsync(range, checkpoint.TreeSize, cancellationToken) : [],
            };
        }

        // The header holds the proofs; the map (tens of MB) is not needed past here.
        map = null;
        if (header.StreamIndex.Count > 0 && scope.Kind == BundleScope.ModelVersionKind)
        {
            // #18: the model card and the disclosure as the ledger stood at the checkpoint, "today" being the report's day.
            var set = await documents.BuildAsync(scope.ModelId!.Value, scope.ModelVersion!, checkpoint.TreeSize, day, cancellationToken);
            header = header with { Documents = new ScopeDocuments(set.ModelCardXml(), set.DisclosureJson()) };
        }

        // #22: for a ZIP, the large files are deflated as they are written, on the cores the writing leaves idle;
        // the events are proved by one multiproof (format 3), read from the stored subtrees between them.
        var options = new AuditBundleWriterOptions { DeflateForZip = zipPath is not null, Multiproof = format >= 3 ? subtrees : null };
        await using var writer = await AuditBundleWriter.CreateAsync(directory, header, options, cancellationToken);
        var events = resolved.Positions is { } span
            ? store.ReadAllRawAsync(span.First - 1, checked((int)(span.Last - span.First + 1)), cancellationToken)
            : store.ReadStreamsRawAsync(resolved.Streams, checkpoint.TreeSize, cancellationToken);
        await WriteEventsAsync(writer, events, (ulong)checkpoint.TreeSize, progress, cancellationToken);
        var report = AuditReport.Render(new AuditReportContent(resolved.Title, resolved.Description, writer.Origin, checkpoint.TreeSize,
            Convert.ToBase64String(checkpoint.RootHash), day, writer.EventCountsByType, resolved.Nodes));
        try
        {
            await writer.CompleteAsync(report, cancellationToken);
        }
        catch (Exception e) when (e is BundleProofException or KeyNotFoundException)
        {
            // The events read from the log and the stored subtrees between them must fold to the signed root.
            throw new LogIntegrityException($"The log does not match the checkpoint of {checkpoint.TreeSize} events: {e.Message}", e);
        }
        if (zipPath is not null)
        {
            await writer.PackAsync(zipPath, cancellationToken);
        }

        return new ExportSummary(scope.ToString(), checkpoint.TreeSize, writer.EventCount, writer.EventCountsByType);
    }

    // The map, for a stream scope (its streams and their proofs); a time range needs the root alone,
    // checked all the same (#22: the map of a million-event ledger is about 100 MB the export can spare).
    private async Task<StreamMap?> StreamIndexAtAsync(StoredCheckpoint checkpoint, bool streamScope, CancellationToken cancellationToken)
    {
        if (Integrity.GettingCheckpoints.CheckpointView.StreamIndexRootOf(checkpoint) is not { } root)
        {
            return null;
        }

        var map = streamScope ? await streamIndex.MapAtAsync(checkpoint.TreeSize, cancellationToken) : null;
        var recomputed = map?.Root ?? await streamIndex.RootAtAsync(checkpoint.TreeSize, cancellationToken);
        return recomputed.AsSpan().SequenceEqual(root)
            ? map
            : throw new LogIntegrityException(
                $"The stream index recomputed from the log at {checkpoint.TreeSize} events is not the one the checkpoint signed: the log was changed outside the ledger.");
    }

    /// <summary>The events just outside a time range's positions, within the tree, with their inclusion proofs.</summary>
    private async Task<IReadOnlyList<BundleEdge>> EdgesAsync((long First, long Last) range, long treeSize, CancellationToken cancellationToken)
    {
        var edges = new List<BundleEdge>();
        foreach (var position in new[] { range.First - 1, range.Last + 1 }.Where(p => p >= 1 && p <= treeSize))
        {
            var raw = await store.ReadRawEventAsync(position, cancellationToken)
                ?? throw new LogIntegrityException($"The checkpoint of {treeSize} leaves covers position {position}, but the log has no event there.");
            var proof = await ProofSource.ReadAsync(treeSize, () => MerkleTree.InclusionProofAsync(subtrees, EventEnvelope.LeafIndex(position), (ulong)treeSize, cancellationToken));
            edges.Add(new BundleEdge(EventEnvelope.ToCanonicalBytes(raw), proof));
        }

        return edges;
    }

    /// <summary>
    /// Writes the events with their proofs in two stages (#22): one task reads the rows and prepares
    /// each page (its canonical envelopes and, for format 1, their proofs) while this one writes the page before it,
    /// so reading, canonicalizing and hashing run beside the writer's checks, files and PROV
    /// document. A few pages are in flight at once, each in a buffer used again and again.
    /// </summary>
    private async Task WriteEventsAsync(
        AuditBundleWriter writer, IAsyncEnumerable<RawEvent> events, ulong treeSize, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var ready = Channel.CreateBounded<PreparedPage>(new BoundedChannelOptions(PagesInFlight) { SingleReader = true, SingleWriter = true });
        var free = Channel.CreateUnbounded<PreparedPage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        for (var i = 0; i < PagesInFlight + 1; i++)
        {
            free.Writer.TryWrite(new PreparedPage());
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var multiproof = writer.FormatVersion >= 3;
        var preparing = Task.Run(() => PreparePagesAsync(events, treeSize, multiproof, free.Reader, ready.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var page in ready.Reader.ReadAllAsync(cancellationToken))
            {
                for (var i = 0; i < page.Count; i++)
                {
                    try
                    {
                        if (multiproof)
                        {
                            await writer.WriteEventAsync(page.Envelope(i), cancellationToken);
                        }
                        else
                        {
                            await writer.WriteEventAsync(page.Envelope(i), page.Proofs[i], cancellationToken);
                        }
                    }
                    catch (Exception e) when (e is ArgumentException or KeyNotFoundException)
                    {
                        // The writer checks each event as a verifier would: what it refuses, read from
                        // the log and the stored subtrees, means they no longer match what was signed.
                        throw new LogIntegrityException($"The log does not match the checkpoint of {treeSize} events: {e.Message}", e);
                    }
                }

                progress?.Report(writer.EventCount);
                free.Writer.TryWrite(page);
            }
        }
        finally
        {
            // On a failure here the preparing stage may be waiting for a page to fill: stop it. It
            // never throws (its failures end the channel, and this stage reads them from there).
            await stop.CancelAsync();
            await preparing;
        }
    }

    // The rows in pages: at most one aligned block of ProofBatch leaves each, ended early where a block ends.
    private async Task PreparePagesAsync(
        IAsyncEnumerable<RawEvent> events, ulong treeSize, bool multiproof, ChannelReader<PreparedPage> free, ChannelWriter<PreparedPage> ready, CancellationToken cancellationToken)
    {
        try
        {
            var rows = new List<RawEvent>(ProofBatch);
            await foreach (var raw in events.WithCancellation(cancellationToken))
            {
                rows.Add(raw);
                if (rows.Count == ProofBatch || EventEnvelope.LeafIndex(raw.Position) % ProofBatch == ProofBatch - 1)
                {
                    await ready.WriteAsync(await PrepareAsync(await free.ReadAsync(cancellationToken), rows, treeSize, multiproof, cancellationToken), cancellationToken);
                    rows.Clear();
                }
            }

            if (rows.Count > 0)
            {
                await ready.WriteAsync(await PrepareAsync(await free.ReadAsync(cancellationToken), rows, treeSize, multiproof, cancellationToken), cancellationToken);
            }

            ready.Complete();
        }
        catch (Exception e)
        {
            ready.Complete(e);
        }
    }

    /// <summary>A page's canonical envelopes, side by side in the page's buffer, and their proofs, read from the stored subtrees in one query.</summary>
    private async Task<PreparedPage> PrepareAsync(PreparedPage page, List<RawEvent> rows, ulong treeSize, bool multiproof, CancellationToken cancellationToken)
    {
        page.Clear();
        foreach (var raw in rows)
        {
            page.Add(raw);
        }

        if (multiproof)
        {
            // Format 3: the writer proves the events together, reading only the subtrees between them.
            return page;
        }

        var firstLeaf = EventEnvelope.LeafIndex(rows[0].Position);
        if (rows.Count == ProofBatch && firstLeaf % ProofBatch == 0 && EventEnvelope.LeafIndex(rows[^1].Position) == firstLeaf + ProofBatch - 1
            && firstLeaf + ProofBatch <= treeSize)
        {
            // A whole aligned block: its proofs from its own leaf hashes and the block's path, read once.
            var leafHashes = new byte[rows.Count][];
            for (var i = 0; i < rows.Count; i++)
            {
                leafHashes[i] = MerkleTree.LeafHash(page.Envelope(i).Span);
            }

            page.Proofs = await MerkleTree.BlockInclusionProofsAsync(subtrees, firstLeaf, leafHashes, treeSize, cancellationToken);
            return page;
        }

        // A proof's shape depends only on (index, size): record the subtrees every proof of the page
        // needs, fetch them at once, then build the proofs from what was fetched.
        var recorder = new RecordingSource();
        foreach (var raw in rows)
        {
            await MerkleTree.InclusionProofAsync(recorder, EventEnvelope.LeafIndex(raw.Position), treeSize, cancellationToken);
        }

        var needed = recorder.Requested.Distinct().ToList();
        var hashes = await subtrees.GetSubtreeHashesAsync(needed, cancellationToken);
        var fetched = new InMemorySubtreeHashSource();
        fetched.Add(needed.Select((c, i) => new SubtreeHash(c, hashes[i])));
        var proofs = new IReadOnlyList<byte[]>[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            proofs[i] = await MerkleTree.InclusionProofAsync(fetched, EventEnvelope.LeafIndex(rows[i].Position), treeSize, cancellationToken);
        }

        page.Proofs = proofs;
        return page;
    }

    /// <summary>A page of events ready to write: their canonical envelopes end to end in one buffer, kept from page to page, and (format 1) a proof for each.</summary>
    private sealed class PreparedPage
    {
        private readonly ArrayBufferWriter<byte> _envelopes = new(1 << 20);
        private readonly List<int> _ends = new(ProofBatch);

        public int Count => _ends.Count;

        public IReadOnlyList<byte[]>[] Proofs { get; set; } = [];

        public ReadOnlyMemory<byte> Envelope(int i) => _envelopes.WrittenMemory[(i == 0 ? 0 : _ends[i - 1]).._ends[i]];

        public void Add(RawEvent raw)
        {
            EventEnvelope.WriteCanonical(raw, _envelopes);
            _ends.Add(_envelopes.WrittenCount);
        }

        public void Clear()
        {
            _envelopes.ResetWrittenCount();
            _ends.Clear();
            Proofs = [];
        }
    }

    /// <summary>Answers every lookup with a placeholder and remembers what was asked.</summary>
    private sealed class RecordingSource : ISubtreeHashSource
    {
        private static readonly byte[] Placeholder = SHA256.HashData([]);

        public List<SubtreeCoordinate> Requested { get; } = [];

        public ValueTask<IReadOnlyList<byte[]>> GetSubtreeHashesAsync(IReadOnlyList<SubtreeCoordinate> subtrees, CancellationToken cancellationToken = default)
        {
            Requested.AddRange(subtrees);
            return ValueTask.FromResult<IReadOnlyList<byte[]>>(subtrees.Select(_ => Placeholder).ToList());
        }
    }
}
