using System.Buffers;
using System.Security.Cryptography;
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
/// (a million events never sit in memory); fetches each page's inclusion proofs from the stored
/// subtrees in one query. The same scope and checkpoint give the same bytes: the report judges
/// clearance on the day the tree's last event was recorded, never on today.
/// </summary>
internal sealed class AuditExporter(
    CheckpointService checkpoints, StreamIndexService streamIndex, SigningKey signingKey, PostgresEventStore store, ISubtreeHashSource subtrees,
    ExportScopeResolver resolver, Models.Disclosing.ModelDocuments documents, Microsoft.Extensions.Options.IOptions<Infrastructure.Database.DatabaseOptions> database)
{
    // A page is at most one aligned block of 1,024 leaves: a time range's full blocks are proved from
    // their own events (MerkleTree.BlockInclusionProofsAsync), anything else leaf by leaf.
    private const int ProofBatch = 1_024;

    public async Task<ExportSummary> ExportAsync(
        BundleScope scope, long? treeSize, string directory, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var activity = LedgerTelemetry.Source.StartActivity("provenance.export");
        activity?.SetTag("provenance.export.scope", scope.Kind);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var summary = await ExportCoreAsync(scope, treeSize, directory, progress, cancellationToken);
        var kind = new KeyValuePair<string, object?>("provenance.export.scope", scope.Kind);
        activity?.SetTag("provenance.export.events", summary.EventCount);
        LedgerTelemetry.ExportedEvents.Add(summary.EventCount, kind);
        LedgerTelemetry.ExportDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, kind);
        return summary;
    }

    private async Task<ExportSummary> ExportCoreAsync(
        BundleScope scope, long? treeSize, string directory, IProgress<long>? progress, CancellationToken cancellationToken)
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

        await using var writer = await AuditBundleWriter.CreateAsync(directory, header, cancellationToken);
        var events = resolved.Positions is { } span
            ? store.ReadAllRawAsync(span.First - 1, checked((int)(span.Last - span.First + 1)), cancellationToken)
            : store.ReadStreamsRawAsync(resolved.Streams, checkpoint.TreeSize, cancellationToken);
        var page = new List<RawEvent>(ProofBatch);
        var pageBuffer = new ArrayBufferWriter<byte>(1 << 20);
        await foreach (var raw in events)
        {
            page.Add(raw);
            if (page.Count == ProofBatch || EventEnvelope.LeafIndex(raw.Position) % ProofBatch == ProofBatch - 1)
            {
                await WritePageAsync(writer, page, pageBuffer, (ulong)checkpoint.TreeSize, cancellationToken);
                progress?.Report(writer.EventCount);
            }
        }

        await WritePageAsync(writer, page, pageBuffer, (ulong)checkpoint.TreeSize, cancellationToken);
        progress?.Report(writer.EventCount);
        var report = AuditReport.Render(new AuditReportContent(resolved.Title, resolved.Description, writer.Origin, checkpoint.TreeSize,
            Convert.ToBase64String(checkpoint.RootHash), day, writer.EventCountsByType, resolved.Nodes));
        await writer.CompleteAsync(report, cancellationToken);
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

    /// <summary>Writes a page of events with their proofs, read from the stored subtrees in one query.</summary>
    private async Task WritePageAsync(
        AuditBundleWriter writer, List<RawEvent> page, ArrayBufferWriter<byte> pageBuffer, ulong treeSize, CancellationToken cancellationToken)
    {
        if (page.Count == 0)
        {
            return;
        }

        var firstLeaf = EventEnvelope.LeafIndex(page[0].Position);
        if (page.Count == ProofBatch && firstLeaf % ProofBatch == 0 && EventEnvelope.LeafIndex(page[^1].Position) == firstLeaf + ProofBatch - 1
            && firstLeaf + ProofBatch <= treeSize)
        {
            // A whole aligned block: its proofs from its own leaf hashes and the block's path, read
            // once; its envelopes side by side in the page's buffer, kept from page to page.
            var buffer = pageBuffer;
            buffer.ResetWrittenCount();
            var ends = new int[page.Count];
            var leafHashes = new byte[page.Count][];
            for (var i = 0; i < page.Count; i++)
            {
                EventEnvelope.WriteCanonical(page[i], buffer);
                ends[i] = buffer.WrittenCount;
            }

            var envelopes = buffer.WrittenMemory;
            for (var i = 0; i < page.Count; i++)
            {
                var start = i == 0 ? 0 : ends[i - 1];
                leafHashes[i] = MerkleTree.LeafHash(envelopes.Span[start..ends[i]]);
            }

            var proofs = await MerkleTree.BlockInclusionProofsAsync(subtrees, firstLeaf, leafHashes, treeSize, cancellationToken);
            for (var i = 0; i < page.Count; i++)
            {
                var start = i == 0 ? 0 : ends[i - 1];
                await writer.WriteEventAsync(envelopes[start..ends[i]], proofs[i], cancellationToken);
            }

            page.Clear();
            return;
        }

        // A proof's shape depends only on (index, size): record the subtrees every proof of the page
        // needs, fetch them at once, then build the proofs from what was fetched.
        var recorder = new RecordingSource();
        foreach (var raw in page)
        {
            await MerkleTree.InclusionProofAsync(recorder, EventEnvelope.LeafIndex(raw.Position), treeSize, cancellationToken);
        }

        var needed = recorder.Requested.Distinct().ToList();
        var hashes = await subtrees.GetSubtreeHashesAsync(needed, cancellationToken);
        var fetched = new InMemorySubtreeHashSource();
        fetched.Add(needed.Select((c, i) => new SubtreeHash(c, hashes[i])));
        foreach (var raw in page)
        {
            var proof = await MerkleTree.InclusionProofAsync(fetched, EventEnvelope.LeafIndex(raw.Position), treeSize, cancellationToken);
            await writer.WriteEventAsync(EventEnvelope.ToCanonicalBytes(raw), proof, cancellationToken);
        }

        page.Clear();
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
