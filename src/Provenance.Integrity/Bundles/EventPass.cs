using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// The in-order part of checking <c>events.ndjson</c> against <c>proofs.ndjson</c>: line i of
/// each, positions increasing within the tree, proof line i naming that position and leading to
/// the checkpoint's root, and the manifest's completeness claims.
/// </summary>
internal sealed class EventPass
{
    private const int ProgressEvery = 8192;

    private readonly BundleVerificationResult _result;
    private readonly InclusionProofMemo? _memo;
    private readonly ulong? _treeSize;
    private readonly CompletenessTracker? _completeness;
    private readonly IProgress<BundleVerificationProgress>? _progress;
    private readonly long _expected;
    private long _lines;
    private long _previousPosition;

    public EventPass(BundleManifest? manifest, Checkpoint? checkpoint, BundleVerificationResult result, IProgress<BundleVerificationProgress>? progress)
    {
        _result = result;
        _progress = progress;
        _expected = manifest?.EventCount ?? 0;
        _treeSize = checkpoint?.TreeSize;
        _memo = checkpoint is null ? null : new InclusionProofMemo(checkpoint.TreeSize, checkpoint.RootHash.Span);
        _completeness = manifest is null ? null : CompletenessTracker.ForManifest(manifest.Streams, manifest.Positions);
    }

    /// <summary>When set, collects the position of every event whose inclusion proof verified (for the scope documents' citations).</summary>
    public HashSet<long>? Proved { get; init; }

    public async Task RunAsync(ChannelReader<Task<EventBatch>> events, ChannelReader<Task<ProofBatch>> proofs, CancellationToken cancellationToken)
    {
        EventBatch? eventBatch = null;
        ProofBatch? proofBatch = null;
        int e = 0, p = 0;
        try
        {
            while (true)
            {
                if (eventBatch is null || e == eventBatch.Count)
                {
                    eventBatch?.Dispose();
                    eventBatch = await NextAsync(events, cancellationToken).ConfigureAwait(false);
                    e = 0;
                }

                if (proofBatch is null || p == proofBatch.Count)
                {
                    proofBatch?.Dispose();
                    proofBatch = await NextAsync(proofs, cancellationToken).ConfigureAwait(false);
                    p = 0;
                }

                if (eventBatch is null && proofBatch is null)
                {
                    break;
                }

                if (eventBatch is not null)
                {
                    CheckEvent(eventBatch, e++, proofBatch, proofBatch is null ? -1 : p++);
                }
                else
                {
                    var line = proofBatch!.FirstLine + p++;
                    _result.Fail(AuditBundleFiles.Proofs, line, $"events.ndjson has no line {line} for this proof");
                }

                if (++_lines % ProgressEvery == 0)
                {
                    _progress?.Report(new BundleVerificationProgress(_lines, _expected));
                }
            }
        }
        finally
        {
            eventBatch?.Dispose();
            proofBatch?.Dispose();
        }

        _progress?.Report(new BundleVerificationProgress(_lines, _expected));
    }

    /// <summary>The envelope of the file's first line, when that line is one.</summary>
    public Envelope? First { get; private set; }

    /// <summary>The envelope of the file's last line (so far), when that line is one.</summary>
    public Envelope? Last { get; private set; }

    /// <summary>What the completeness claims miss, once every line is checked.</summary>
    public IEnumerable<string> Finish() => _completeness?.Finish() ?? [];

    /// <summary>The position of each claimed stream's last event in the bundle.</summary>
    public IReadOnlyDictionary<Guid, long> LastPositions() => _completeness?.LastPositions() ?? new Dictionary<Guid, long>();

    private static async ValueTask<T?> NextAsync<T>(ChannelReader<Task<T>> batches, CancellationToken cancellationToken)
        where T : class
    {
        while (await batches.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (batches.TryRead(out var batch))
            {
                return await batch.ConfigureAwait(false);
            }
        }

        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckEvent(EventBatch events, int e, ProofBatch? proofs, int p)
    {
        var line = events.FirstLine + e;
        ref readonly var checkedLine = ref events[e];
        Last = checkedLine.HasMembers ? checkedLine.Envelope : null;
        if (line == 1)
        {
            First = Last;
        }
        if (events.LastLineUnterminated && e == events.Count - 1)
        {
            _result.Fail(AuditBundleFiles.Events, line, "the file's last line does not end with LF");
        }

        if (proofs is not null && proofs.LastLineUnterminated && p == proofs.Count - 1)
        {
            _result.Fail(AuditBundleFiles.Proofs, proofs.FirstLine + p, "the file's last line does not end with LF");
        }

        if (!checkedLine.HasMembers)
        {
            _result.Fail(AuditBundleFiles.Events, line, checkedLine.Problem!);
            return;
        }

        var envelope = checkedLine.Envelope;
        var (position, id) = (envelope.Position, envelope.Id);
        if (position <= _previousPosition)
        {
            _result.Fail(AuditBundleFiles.Events, line, $"the position is not after the line before's ({_previousPosition}): lines are in increasing position order", position, id);
        }
        else if ((ulong)position > _treeSize)
        {
            _result.Fail(AuditBundleFiles.Events, line, $"the position is beyond the checkpoint's tree of {_treeSize:N0} events", position, id);
        }

        _previousPosition = position;
        if (checkedLine.Problem is { } problem)
        {
            // Not the bytes the ledger committed to, whatever its proof says.
            _result.Fail(AuditBundleFiles.Events, line, problem, position, id);
        }
        else if (proofs is null)
        {
            _result.Fail(AuditBundleFiles.Events, line, $"proofs.ndjson has no line {line} to prove this event", position, id);
        }
        else
        {
            CheckProof(events, e, proofs, p, envelope, line);
        }

        if (_completeness?.Observe(envelope) is { } contradiction)
        {
            _result.Fail(AuditBundleFiles.Events, line, contradiction, position, id);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckProof(EventBatch events, int e, ProofBatch proofs, int p, in Envelope envelope, long line)
    {
        ref readonly var proof = ref proofs[p];
        var proofLine = proofs.FirstLine + p;
        var (position, id) = (envelope.Position, envelope.Id);
        if (proof.Problem is { } problem)
        {
            _result.Fail(AuditBundleFiles.Proofs, proofLine, problem, position, id);
            return;
        }

        if (proof.Position != position)
        {
            _result.Fail(AuditBundleFiles.Proofs, proofLine, $"the proof is of position {proof.Position}, but line {line} of events.ndjson is position {position}", position, id);
            return;
        }

        if (proof.LeafIndex != position - 1)
        {
            _result.Fail(AuditBundleFiles.Proofs, proofLine, $"leafIndex is {proof.LeafIndex}, not position − 1 ({position - 1})", position, id);
            return;
        }

        if (_memo is null || (ulong)position > _treeSize)
        {
            // No checkpoint to prove against, or a position already reported beyond its tree.
            return;
        }

        var hashes = proofs.Hashes(proof);
        switch (_memo.Verify((ulong)position - 1, events.LeafHash(e), hashes))
        {
            case null:
                _result.ProofsVerified++;
                Proved?.Add(position);
                break;
            case ProofFailure.ProofSizeInvalid:
                _result.Fail(AuditBundleFiles.Proofs, proofLine,
                    $"the proof has {hashes.Length / MerkleTree.HashSize} hashes; the proof of leaf {position - 1} in a tree of {_treeSize:N0} has {MerkleTree.InclusionProofSize((ulong)position - 1, _treeSize!.Value)}",
                    position, id);
                break;
            default:
                _result.Fail(AuditBundleFiles.Events, line,
                    $"the event is not the one the checkpoint's tree holds at this position: with its proof (proofs.ndjson line {proofLine}) it does not lead to the checkpoint's root",
                    position, id);
                break;
        }
    }
}
