using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Merkle;
using Provenance.Integrity.StreamIndex;

namespace Provenance.Integrity.Tests.Bundles;

/// <summary>
/// A whole synthetic log in memory, as the ledger holds it: every event a leaf of the Merkle tree
/// (the subtrees stored as the integrator stores them) and a P-256 key that signs checkpoints.
/// Bundles export a part of it, as the server-side export does.
/// </summary>
internal sealed class TestLog : IDisposable
{
    public const string Origin = "provenance.example.org/ledger";

    private readonly InMemorySubtreeHashSource _subtrees = new();
    private readonly Dictionary<ulong, string> _checkpoints = [];
    private readonly Dictionary<ulong, string> _indexedCheckpoints = [];

    public TestLog(int events = 160, int seed = 5)
    {
        Events = [.. new SyntheticLedger(seed).Generate(events)];
        var builder = new MerkleTreeBuilder();
        foreach (var e in Events)
        {
            _subtrees.Add(builder.Append(MerkleTree.LeafHash(e.Envelope)));
        }

        Signer = new CheckpointSigner(Origin, Key);
    }

    public IReadOnlyList<LedgerEvent> Events { get; }

    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public CheckpointSigner Signer { get; }

    public VerifierKey VerifierKey => Signer.VerifierKey;

    public ulong Size => (ulong)Events.Count;

    public static byte[] Report { get; } = Encoding.UTF8.GetBytes("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Audit bundle</title></head><body><h1>Audit bundle</h1></body></html>\n");

    /// <summary>The first model that has a training run, and the streams of its lineage: the model, the datasets it trained on, the protocols covering them.</summary>
    public (Guid Model, string Version, IReadOnlyList<Guid> Streams) ModelLineage()
    {
        var run = Events.First(e => e.Type == "model.training-run-recorded");
        using var document = JsonDocument.Parse(run.Envelope);
        var data = document.RootElement.GetProperty("data");
        var datasets = data.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("datasetId").GetGuid()).ToHashSet();
        var protocols = Events.Where(e => e.Type is "irb.protocol-approved" or "irb.protocol-amended" && Covers(e, datasets)).Select(e => e.Stream);
        return (run.Stream, data.GetProperty("modelVersion").GetString()!, [run.Stream, .. datasets, .. protocols.Distinct()]);
    }

    /// <summary>
    /// The log's checkpoint at a size, signed once and kept, as the ledger keeps its checkpoints:
    /// ECDSA signatures are randomized, so signing again would give other bytes.
    /// </summary>
    public string SignedCheckpoint(ulong? size = null)
    {
        var treeSize = size ?? Size;
        if (!_checkpoints.TryGetValue(treeSize, out var note))
        {
            note = SignedCheckpoint(Signer, treeSize);
            _checkpoints[treeSize] = note;
        }

        return note;
    }

    public string SignedCheckpoint(CheckpointSigner signer, ulong size)
    {
        var root = MerkleTree.RootHashAsync(_subtrees, size).AsTask().GetAwaiter().GetResult();
        return signer.Sign(new Checkpoint(Origin, size, root));
    }

    public IReadOnlyList<byte[]> Proof(LedgerEvent e, ulong? treeSize = null) =>
        MerkleTree.InclusionProofAsync(_subtrees, (ulong)e.Position - 1, treeSize ?? Size).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Writes a bundle of the given events (in log order) against the checkpoint of the log's first
    /// <paramref name="treeSize"/> events (all by default); with <paramref name="zipPath"/>, deflates
    /// as it writes and packs the ZIP there too.
    /// </summary>
    public async Task WriteAsync(
        string directory, BundleScope scope, BundleCompleteness completeness, IEnumerable<LedgerEvent> events, ulong? treeSize = null, string? zipPath = null)
    {
        var size = treeSize ?? Size;
        var header = new AuditBundleHeader(scope, completeness, SignedCheckpoint(size), VerifierKey.ToString());
        await using var writer = await AuditBundleWriter.CreateAsync(directory, header, new AuditBundleWriterOptions { DeflateForZip = zipPath is not null });
        foreach (var e in events.Where(e => (ulong)e.Position <= size))
        {
            await writer.WriteEventAsync(e.Envelope, Proof(e, size));
        }

        await writer.CompleteAsync(Report);
        if (zipPath is not null)
        {
            await writer.PackAsync(zipPath);
        }
    }

    /// <summary>
    /// Writes a bundle against a checkpoint that signs the log's stream index (format 2 or, with
    /// <paramref name="multiproof"/>, 3): an index proof for each claimed stream, and a time range's
    /// edge events with their inclusion proofs.
    /// </summary>
    public async Task WriteIndexedAsync(
        string directory, BundleScope scope, BundleCompleteness completeness, IEnumerable<LedgerEvent> events, bool multiproof,
        ulong? treeSize = null, string? zipPath = null, ISubtreeHashSource? subtrees = null, int multiproofBatch = 8192)
    {
        var size = treeSize ?? Size;
        var map = StreamMapAt(size);
        var edges = new List<BundleEdge>();
        if (completeness.Positions is { } range)
        {
            edges.AddRange(new[] { range.First - 1, range.Last + 1 }
                .Where(p => p >= 1 && (ulong)p <= size)
                .Select(p => new BundleEdge(Events[(int)p - 1].Envelope, Proof(Events[(int)p - 1], size))));
        }

        var header = new AuditBundleHeader(scope, completeness, IndexedCheckpoint(size), VerifierKey.ToString())
        {
            StreamIndex = [.. completeness.Streams.Select(map.Prove)],
            Edges = edges,
        };
        var options = new AuditBundleWriterOptions { DeflateForZip = zipPath is not null, Multiproof = multiproof ? subtrees ?? _subtrees : null, MultiproofBatch = multiproofBatch };
        await using var writer = await AuditBundleWriter.CreateAsync(directory, header, options);
        foreach (var e in events.Where(e => (ulong)e.Position <= size))
        {
            if (multiproof)
            {
                await writer.WriteEventAsync(e.Envelope);
            }
            else
            {
                await writer.WriteEventAsync(e.Envelope, Proof(e, size));
            }
        }

        await writer.CompleteAsync(Report);
        if (zipPath is not null)
        {
            await writer.PackAsync(zipPath);
        }
    }

    /// <summary>The time range of the events at positions first to last, as a scope.</summary>
    public BundleScope TimeRange(long first, long last) => BundleScope.ForTimeRange(RecordedAt(first), RecordedAt(last).AddTicks(10));

    /// <summary>The stream index of the log's first events, as the ledger's follower keeps it.</summary>
    public StreamMap StreamMapAt(ulong size)
    {
        var builder = new StreamIndexBuilder();
        foreach (var e in Events.Take((int)size))
        {
            using var document = JsonDocument.Parse(e.Envelope);
            builder.ApplyEnvelope(document.RootElement);
        }

        return builder.ToMap();
    }

    /// <summary>The checkpoint of the log's first events with its stream index line, signed once and kept.</summary>
    public string IndexedCheckpoint(ulong size)
    {
        if (!_indexedCheckpoints.TryGetValue(size, out var note))
        {
            var root = MerkleTree.RootHashAsync(_subtrees, size).AsTask().GetAwaiter().GetResult();
            note = Signer.Sign(new Checkpoint(Origin, size, root, [StreamIndexCheckpoint.Line(StreamMapAt(size).Root)]));
            _indexedCheckpoints[size] = note;
        }

        return note;
    }

    /// <summary>A bundle of the first model's lineage: the streams of the scope, complete.</summary>
    public async Task<IReadOnlyList<Guid>> WriteModelBundleAsync(string directory, ulong? treeSize = null, string? zipPath = null)
    {
        var (model, version, lineage) = ModelLineage();
        var streams = lineage.Where(s => Events.Any(e => e.Stream == s && (ulong)e.Position <= (treeSize ?? Size))).ToList();
        await WriteAsync(directory, BundleScope.ForModelVersion(model, version), BundleCompleteness.ForStreams(streams), Events.Where(e => streams.Contains(e.Stream)), treeSize, zipPath);
        return streams;
    }

    /// <summary>A bundle of the events at positions first to last.</summary>
    public Task WriteTimeRangeBundleAsync(string directory, long first, long last, string? zipPath = null) =>
        WriteAsync(directory, TimeRange(first, last), BundleCompleteness.ForPositions(first, last),
            Events.Where(e => e.Position >= first && e.Position <= last), zipPath: zipPath);

    public void Dispose()
    {
        Signer.Dispose();
        Key.Dispose();
    }

    private DateTimeOffset RecordedAt(long position)
    {
        using var document = JsonDocument.Parse(Events[(int)position - 1].Envelope);
        return document.RootElement.GetProperty("recordedAt").GetDateTimeOffset();
    }

    private static bool Covers(LedgerEvent e, HashSet<Guid> datasets)
    {
        using var document = JsonDocument.Parse(e.Envelope);
        return document.RootElement.GetProperty("data").GetProperty("terms").GetProperty("coveredDatasetIds").EnumerateArray().Any(d => datasets.Contains(d.GetGuid()));
    }
}
