using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// The in-order part of checking <c>events.ndjson</c> against <c>proofs.ndjson</c>: line i of
/// each, positions increasing within the tree, proof line i naming that position and leading to
/// the checkpoint's root, and the manifest's completeness claims. In a version 3 bundle, the
/// events' leaves and <c>multiproof.txt</c>'s subtrees fold, left to right, to that root instead.
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
    private readonly ReadOnlyMemory<byte> _checkpointRoot;
    private readonly MultiproofReader? _multiproof;
    private readonly MultiproofFold? _fold;
    private readonly List<(ulong Begin, ulong End)> _gapNodes = [];
    private readonly byte[] _gapHash = new byte[MerkleTree.HashSize];
    // Version 3: the events folded so far, and their positions when Proved wants them (a scope's documents cite them).
    private readonly List<long> _folded = [];
    private long _foldedCount;
    private long _lines;
    private long _previousPosition;

    // Version 3: the fold cannot go on (a line that is no event, a position out of order, a bad or missing hash).
    private bool _foldStopped;

    public EventPass(BundleManifest? manifest, Checkpoint? checkpoint, BundleVerificationResult result, IProgress<BundleVerificationProgress>? progress)
        : this(manifest, checkpoint, result, progress, multiproof: null)
    {
    }

    /// <summary>A pass over a version 3 bundle's events, folded with the hashes <paramref name="multiproof"/> reads.</summary>
    public EventPass(
        BundleManifest? manifest, Checkpoint? checkpoint, BundleVerificationResult result, IProgress<BundleVerificationProgress>? progress, MultiproofReader? multiproof)
    {
        _multiproof = multiproof;
        if (multiproof is not null)
        {
            _fold = checkpoint is null ? null : new MultiproofFold(checkpoint.TreeSize);
        }

        _result = result;
        _progress = progress;
        _expected = manifest?.EventCount ?? 0;
        _treeSize = checkpoint?.TreeSize;
        _checkpointRoot = checkpoint?.RootHash ?? ReadOnlyMemory<byte>.Empty;
        _memo = checkpoint is null ? null : new InclusionProofMemo(checkpoint.TreeSize, checkpoint.RootHash.Span);
        _completeness = manifest is null ? null : CompletenessTracker.ForManifest(manifest.Streams, manifest.Positions);
    }

    /// <summary>When set, collects the position of every event whose inclusion proof verified (for the scope documents' citations).</summary>
    public HashSet<long>? Proved { get; init; }

    /// <summary>Checks every line in order; <paramref name="proofs"/> is null for a version 3 bundle (its multiproof read as the events need it).</summary>
    public async Task RunAsync(ChannelReader<Task<EventBatch>> events, ChannelReader<Task<ProofBatch>>? proofs, CancellationToken cancellationToken)
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

                if (proofs is not null && (proofBatch is null || p == proofBatch.Count))
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
            _foldStopped = true;
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

        var ordered = position > _previousPosition && (ulong)position <= _treeSize;
        _previousPosition = position;
        if (_multiproof is not null)
        {
            Fold(events.LeafHash(e), position, ordered);
        }

        if (checkedLine.Problem is { } problem)
        {
            // Not the bytes the ledger committed to, whatever its proof says.
            _result.Fail(AuditBundleFiles.Events, line, problem, position, id);
        }
        else if (_multiproof is not null)
        {
            // Version 3: the event's leaf was folded above; the root proves the events together.
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

    /// <summary>
    /// Version 3, once every line is read: the multiproof's hashes after the last event, then the
    /// fold must be the checkpoint's root and the file must hold nothing more. Adds the events to
    /// <see cref="Proved"/> when it is.
    /// </summary>
    public void FinishMultiproof()
    {
        if (_multiproof is null)
        {
            return;
        }

        if (_fold is null)
        {
            // No checkpoint to fold against (reported already): the file is still read for its hash.
            _multiproof.Finish();
            return;
        }

        if (!_foldStopped)
        {
            FoldGap(_fold.TreeSize);
        }

        if (_foldStopped)
        {
            _multiproof.Finish();
            _result.Fail(AuditBundleFiles.Multiproof, null, "the events were not proved: the multiproof could not be folded to the end (see the failures above)");
            return;
        }

        var extra = _multiproof.Finish();
        if (extra > 0)
        {
            _result.Fail(AuditBundleFiles.Multiproof, _multiproof.Lines - extra + 1, $"the file has {extra:N0} more line(s) than the events' gaps need");
        }
        else if (!_fold.Root().AsSpan().SequenceEqual(_checkpointRoot.Span))
        {
            _result.Fail(AuditBundleFiles.Events, null,
                "the events and multiproof.txt do not fold to the checkpoint's root: an event was changed, added or left out, or a hash of the multiproof was changed " +
                "(ask the ledger for an event's own inclusion proof to find which)");
        }
        else
        {
            _result.ProofsVerified += _foldedCount;
            Proved?.UnionWith(_folded);
        }
    }

    // Version 3: the gap since the last event, from the multiproof, then this event's leaf; an event out of order stops the fold.
    private void Fold(ReadOnlySpan<byte> leafHash, long position, bool ordered)
    {
        if (_fold is null || _foldStopped)
        {
            return;
        }

        if (!ordered)
        {
            _foldStopped = true;
            return;
        }

        var leaf = (ulong)position - 1;
        if (FoldGap(leaf))
        {
            _fold.AddLeaf(leaf, leafHash);
            _foldedCount++;
            if (Proved is not null)
            {
                _folded.Add(position);
            }
        }
    }

    private bool FoldGap(ulong end)
    {
        _gapNodes.Clear();
        Multiproof.GapNodes(_fold!.Next, end, _fold.TreeSize, _gapNodes);
        foreach (var (begin, stop) in _gapNodes)
        {
            if (!_multiproof!.TryRead(_gapHash, out var problem))
            {
                // A line that is no hash is named; a missing one is the line after the last.
                _result.Fail(AuditBundleFiles.Multiproof, problem is null ? _multiproof.Lines + 1 : _multiproof.Lines,
                    problem ?? $"the file ends before the hash of leaves {begin:N0} to {stop - 1:N0} (positions {begin + 1:N0} to {stop:N0})");
                _foldStopped = true;
                return false;
            }

            _fold.Add(begin, stop, _gapHash);
        }

        return true;
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
