using System.Text;
using System.Text.Json;
using Provenance.Integrity.Canonicalization;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Merkle;
using Provenance.Integrity.StreamIndex;

namespace Provenance.Integrity.Bundles;

public sealed partial class AuditBundleVerifier
{
    /// <summary>
    /// Version 2 (#16), checks 6 to 8 of the format: completeness proved, not claimed. Every claimed
    /// stream's entry in the stream index the checkpoint signs is proved, and the stream is held from
    /// version 1 to the entry's last version, ending at its last position. The scope's streams are
    /// recomputed from the proved entries (derived datasets, covering protocols, models trained on
    /// them) and must be exactly the claimed ones. A model-version scope must have a training run of
    /// that version. A time range proves the events just outside it.
    /// </summary>
    private static async Task CheckProvedCompletenessAsync(
        AuditBundleSource bundle, BundleManifest manifest, Checkpoint? checkpoint, EventPassOutcome? events, BundleVerificationResult result,
        CancellationToken cancellationToken)
    {
        if (checkpoint is null)
        {
            return;
        }

        byte[]? root;
        try
        {
            root = StreamIndexCheckpoint.Root(checkpoint);
        }
        catch (FormatException e)
        {
            result.Fail(AuditBundleFiles.Checkpoint, null, e.Message);
            return;
        }

        if (root is null)
        {
            result.Fail(AuditBundleFiles.Checkpoint, null,
                $"a version 2 bundle's checkpoint carries the stream index root (the line \"{StreamIndexCheckpoint.Prefix}<base64>\"); this one does not");
            return;
        }

        var index = await ReadIndexAsync(bundle, root, result, cancellationToken).ConfigureAwait(false);
        if (manifest.Scope.IsStreamScope)
        {
            await CheckStreamScopeAsync(bundle, manifest, index, events?.LastPositions, result, cancellationToken).ConfigureAwait(false);
            if (bundle.FileNames.Contains(AuditBundleFiles.Edges, StringComparer.Ordinal) &&
                (await ReadLinesAsync(bundle, AuditBundleFiles.Edges, result, cancellationToken).ConfigureAwait(false)).Count > 0)
            {
                result.Fail(AuditBundleFiles.Edges, 1, "only a time-range bundle has edges");
            }
        }
        else
        {
            foreach (var stream in index.Keys)
            {
                result.Fail(AuditBundleFiles.Index, null, $"a time-range bundle claims no stream, yet the index proves stream {stream}");
            }

            await CheckTimeRangeAsync(bundle, manifest, checkpoint, events, result, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<Dictionary<Guid, StreamIndexEntry>> ReadIndexAsync(AuditBundleSource bundle, byte[] root, BundleVerificationResult result, CancellationToken cancellationToken)
    {
        var entries = new Dictionary<Guid, StreamIndexEntry>();
        if (!bundle.FileNames.Contains(AuditBundleFiles.Index, StringComparer.Ordinal))
        {
            return entries;
        }

        string? previous = null;
        var line = 0L;
        foreach (var bytes in await ReadLinesAsync(bundle, AuditBundleFiles.Index, result, cancellationToken).ConfigureAwait(false))
        {
            line++;
            StreamIndexProof proof;
            try
            {
                using var json = JsonDocument.Parse(bytes);
                proof = StreamIndexProof.Read(json.RootElement);
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                result.Fail(AuditBundleFiles.Index, line, $"the line is not a stream index proof: {e.Message}");
                continue;
            }

            var id = proof.Stream.ToString("D");
            if (!proof.ToCanonicalJson().AsSpan().SequenceEqual(bytes))
            {
                result.Fail(AuditBundleFiles.Index, line, "the line is not canonical JSON (RFC 8785)");
            }

            if (previous is not null && string.CompareOrdinal(previous, id) >= 0)
            {
                result.Fail(AuditBundleFiles.Index, line, $"stream {id} is not after stream {previous}: the lines are sorted by stream, each once");
            }

            previous = id;
            if (!proof.IsPresent)
            {
                result.Fail(AuditBundleFiles.Index, line, $"the line proves stream {id} absent; a bundle proves the entries of the streams it holds");
            }
            else if (proof.Verify(root) is { } failure)
            {
                result.Fail(AuditBundleFiles.Index, line, $"{failure} the checkpoint signs");
            }
            else
            {
                entries[proof.Stream] = proof.Entry!;
            }
        }

        return entries;
    }

    private static async Task CheckStreamScopeAsync(
        AuditBundleSource bundle, BundleManifest manifest, Dictionary<Guid, StreamIndexEntry> index, IReadOnlyDictionary<Guid, long>? lastPositions,
        BundleVerificationResult result, CancellationToken cancellationToken)
    {
        // Each claim against its proved entry: held from version 1 to the last version the index proves.
        var claims = manifest.Streams.ToDictionary(c => c.Stream);
        foreach (var claim in manifest.Streams)
        {
            if (!index.TryGetValue(claim.Stream, out var entry))
            {
                result.Fail(AuditBundleFiles.Index, null, $"stream {claim.Stream} is claimed complete, but no line proves its entry in the stream index");
                continue;
            }

            if (entry.Type != claim.StreamType)
            {
                result.Fail(AuditBundleFiles.Manifest, 1, $"stream {claim.Stream} is claimed as a {claim.StreamType} stream; the stream index proves it a {entry.Type ?? "stream without events"}");
            }

            if (claim.FirstVersion != 1 || claim.LastVersion != entry.LastVersion)
            {
                result.Fail(AuditBundleFiles.Manifest, 1,
                    $"stream {claim.Stream} is claimed complete from version {claim.FirstVersion} to {claim.LastVersion}; the stream index proves it has versions 1 to {entry.LastVersion} " +
                    $"within the tree: the bundle leaves out {(claim.LastVersion < entry.LastVersion ? $"its versions {claim.LastVersion + 1} to {entry.LastVersion}" : "part of it")}");
            }
            else if (lastPositions is not null && lastPositions.GetValueOrDefault(claim.Stream) != entry.LastPosition)
            {
                result.Fail(AuditBundleFiles.Events, null,
                    $"the last event of stream {claim.Stream} in the bundle is at position {lastPositions.GetValueOrDefault(claim.Stream)}; the stream index proves it at {entry.LastPosition}");
            }
        }

        foreach (var stream in index.Keys.Where(s => !claims.ContainsKey(s)))
        {
            result.Fail(AuditBundleFiles.Index, null, $"the index proves stream {stream}, which the manifest does not claim");
        }

        // The scope recomputed from the proved entries, and what the scope's own events say.
        var scope = manifest.Scope;
        var events = await ReadScopeEventsAsync(bundle, scope, cancellationToken).ConfigureAwait(false);
        var own = (scope.ModelId ?? scope.DatasetId ?? scope.ProtocolId)!.Value;
        if (!index.ContainsKey(own))
        {
            result.Fail(AuditBundleFiles.Index, null, $"the scope's own stream {own} has no proved entry: the scope does not exist within the tree");
        }

        IEnumerable<Guid> seeds = [];
        if (scope.Kind == BundleScope.ModelVersionKind)
        {
            if (events.Runs == 0)
            {
                result.Fail(AuditBundleFiles.Events, null,
                    $"model {own} has no training run of version {scope.ModelVersion} within the tree (its stream is held whole): the scope does not exist");
            }

            var required = new Dictionary<Guid, (long, string)>();
            events.Lineage.Walk(required);
            seeds = required.Keys;
            foreach (var ((dataset, version), line) in events.Lineage.Inputs)
            {
                if (claims.ContainsKey(dataset) && !events.Contributed.Contains((dataset, version)))
                {
                    result.Fail(AuditBundleFiles.Events, line,
                        $"a training run of the model version used version {version} of dataset {dataset}, whose contribution the bundle does not hold");
                }
            }
        }
        else if (scope.Kind == BundleScope.IrbProtocolKind)
        {
            seeds = events.Covered.Keys;
        }

        var expected = BundleScopeClosure.Expected(scope, id => index.GetValueOrDefault(id), seeds);
        foreach (var (stream, why) in expected.Where(e => !claims.ContainsKey(e.Key)).OrderBy(e => e.Key.ToString("D"), StringComparer.Ordinal))
        {
            result.Fail(AuditBundleFiles.Manifest, 1, $"the bundle leaves out stream {stream}, which belongs to its scope: {why} (by the stream index the checkpoint signs)");
        }

        foreach (var stream in claims.Keys.Where(s => !expected.ContainsKey(s)).OrderBy(s => s.ToString("D"), StringComparer.Ordinal))
        {
            result.Fail(AuditBundleFiles.Manifest, 1, $"the bundle holds stream {stream}, which is not part of its scope ({scope})");
        }
    }

    private static async Task CheckTimeRangeAsync(
        AuditBundleSource bundle, BundleManifest manifest, Checkpoint checkpoint, EventPassOutcome? events, BundleVerificationResult result, CancellationToken cancellationToken)
    {
        if (manifest.Positions is not { } range)
        {
            return;
        }

        var (from, to) = (manifest.Scope.From!.Value, manifest.Scope.To!.Value);
        var wanted = new List<(string Side, long Position)>();
        if (range.First > 1)
        {
            wanted.Add((BundleEdgeLines.Before, range.First - 1));
        }

        if ((ulong)range.Last < checkpoint.TreeSize)
        {
            wanted.Add((BundleEdgeLines.After, range.Last + 1));
        }

        var lines = bundle.FileNames.Contains(AuditBundleFiles.Edges, StringComparer.Ordinal)
            ? await ReadLinesAsync(bundle, AuditBundleFiles.Edges, result, cancellationToken).ConfigureAwait(false)
            : [];
        var memo = new InclusionProofMemo(checkpoint.TreeSize, checkpoint.RootHash.Span);
        for (var i = 0; i < Math.Max(lines.Count, wanted.Count); i++)
        {
            if (i >= wanted.Count)
            {
                result.Fail(AuditBundleFiles.Edges, i + 1, $"positions {range.First} to {range.Last} of a tree of {checkpoint.TreeSize} have {wanted.Count} edge(s); this line is one too many");
                continue;
            }

            var (side, position) = wanted[i];
            if (i >= lines.Count)
            {
                result.Fail(AuditBundleFiles.Edges, null,
                    $"the {side} edge, the event at position {position}, is missing: nothing proves that the range's {(side == BundleEdgeLines.Before ? "first" : "last")} event is its own");
                continue;
            }

            CheckEdge(lines[i], i + 1, side, position, from, to, memo, result);
        }

        // The range's own first and last events were recorded within it (the log's instants never
        // decrease); the event pass kept when they were, rather than this reading the file again.
        var ends = new[] { (events?.FirstRecordedAt, "first", 1L), (events?.LastRecordedAt, "last", Math.Max(1, range.Last - range.First + 1)) };
        foreach (var (at, which, line) in ends)
        {
            if (at is { } instant && (instant < from || instant >= to))
            {
                result.Fail(AuditBundleFiles.Events, line, $"the range's {which} event was recorded at {instant:O}, outside the range");
            }
        }
    }

    private static void CheckEdge(byte[] bytes, long line, string side, long position, DateTimeOffset from, DateTimeOffset to, InclusionProofMemo memo, BundleVerificationResult result)
    {
        try
        {
            using var json = JsonDocument.Parse(bytes);
            var edge = json.RootElement;
            if (!JsonCanonicalizer.Canonicalize(edge).AsSpan().SequenceEqual(bytes))
            {
                result.Fail(AuditBundleFiles.Edges, line, "the line is not canonical JSON (RFC 8785)");
            }

            var envelope = edge.GetProperty("envelope");
            if (edge.GetProperty("side").GetString() != side || edge.GetProperty("position").GetInt64() != position ||
                edge.GetProperty("leafIndex").GetInt64() != position - 1 || envelope.GetProperty("position").GetInt64() != position)
            {
                result.Fail(AuditBundleFiles.Edges, line, $"line {line} is the {side} edge, the event at position {position} (leaf index {position - 1})");
                return;
            }

            var at = BundleEdgeLines.RecordedAt(envelope);
            if (side == BundleEdgeLines.Before ? at >= from : at < to)
            {
                result.Fail(AuditBundleFiles.Edges, line,
                    $"the event at position {position} was recorded at {at:O}, within the range: the range's {(side == BundleEdgeLines.Before ? "first" : "last")} events were left out");
            }

            var proof = Convert.FromBase64String(edge.GetProperty("proof").GetString()!);
            if (memo.Verify((ulong)position - 1, MerkleTree.LeafHash(JsonCanonicalizer.Canonicalize(envelope)), proof) is { } failure)
            {
                result.Fail(AuditBundleFiles.Edges, line, $"the inclusion proof of the event at position {position} does not verify against the checkpoint ({failure})");
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or JsonCanonicalizationException)
        {
            result.Fail(AuditBundleFiles.Edges, line, $"the line is not an edge: {e.Message}");
        }
    }

    private static async Task<List<byte[]>> ReadLinesAsync(AuditBundleSource bundle, string name, BundleVerificationResult result, CancellationToken cancellationToken)
    {
        var bytes = await ReadSmallFileAsync(bundle, name, MaxManifestBytes, result, cancellationToken).ConfigureAwait(false) ?? [];
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n')
            {
                lines.Add(bytes[start..i]);
                start = i + 1;
            }
        }

        if (start < bytes.Length)
        {
            result.Fail(name, lines.Count + 1, "the last line does not end in LF");
        }

        return lines;
    }
}
