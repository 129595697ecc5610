using Microsoft.Extensions.Options;
using Provenance.EventStore;
using Provenance.EventStore.Integrity;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.StreamIndex;

namespace Provenance.Ledger.Integrity;

/// <summary>
/// Signs the Merkle tree head, with the stream index root at its size, as a C2SP checkpoint with the ledger's key and stores it through the
/// event store's <see cref="CheckpointStore"/> (which checks it against the stored tree and the
/// latest checkpoint first): on request, after integrating the log to its head, or periodically.
/// </summary>
internal sealed partial class CheckpointService(
    CheckpointStore checkpoints,
    StreamIndexService index,
    PostgresEventStore store,
    MerkleIntegrator integrator,
    SigningKey signingKey,
    Witnessing.CheckpointSignal signal,
    IOptions<Witnessing.WitnessingOptions> witnessing,
    TimeProvider clock,
    IOptions<IntegrityOptions> options,
    ILogger<CheckpointService> logger)
{
    /// <summary>The latest checkpoint, its note carrying every witness cosignature stored for it (#17).</summary>
    public async Task<StoredCheckpoint?> GetLatestAsync(CancellationToken cancellationToken) =>
        await CosignedAsync(await checkpoints.GetLatestAsync(cancellationToken), cancellationToken);

    /// <summary>The checkpoint of <paramref name="treeSize"/>, its note carrying every witness cosignature stored for it (#17).</summary>
    public async Task<StoredCheckpoint?> GetAsync(long treeSize, CancellationToken cancellationToken) =>
        await CosignedAsync(await checkpoints.GetAsync(treeSize, cancellationToken), cancellationToken);

    /// <summary>
    /// The checkpoint with its witnesses' cosignatures, waiting (up to the witnesses' timeout) while
    /// fewer than the quorum have cosigned: what an export proves against, so a bundle of a checkpoint
    /// signed for it still carries the cosignatures. Without witnesses, at once.
    /// </summary>
    public async Task<StoredCheckpoint> PublishedAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var policy = witnessing.Value;
        var deadline = clock.GetUtcNow() + policy.Timeout;
        while (true)
        {
            var current = await GetAsync(checkpoint.TreeSize, cancellationToken) ?? checkpoint;
            if (policy.IsPublished(current.Note) || clock.GetUtcNow() >= deadline)
            {
                return current;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), clock, cancellationToken);
        }
    }

    // A cosignature signs the note's text, so its line goes after the log's own signature line.
    private async Task<StoredCheckpoint?> CosignedAsync(StoredCheckpoint? checkpoint, CancellationToken cancellationToken)
    {
        if (checkpoint is null)
        {
            return null;
        }

        var cosignatures = await checkpoints.GetCosignaturesAsync(checkpoint.TreeSize, cancellationToken);
        return cosignatures.Count == 0 ? checkpoint : checkpoint with { Note = checkpoint.Note + string.Concat(cosignatures.Select(c => c.Line)) };
    }

    /// <summary>Integrates the log up to its head as of now, then checkpoints the tree head. Created is false when that size already had one.</summary>
    public async Task<(StoredCheckpoint Checkpoint, bool Created)> CheckpointLogHeadAsync(CancellationToken cancellationToken)
    {
        var position = await store.GetHeadPositionAsync(cancellationToken);
        await integrator.CatchUpAsync(position, options.Value.IntegrationBatchSize, cancellationToken);
        return await SignAndStoreAsync(null, cancellationToken);
    }

    /// <summary>Checkpoints the tree head when the tree grew past the latest checkpoint (the periodic checkpoint); null otherwise.</summary>
    public async Task<StoredCheckpoint?> CheckpointIfGrownAsync(CancellationToken cancellationToken)
    {
        var latest = await checkpoints.GetLatestAsync(cancellationToken);
        var head = await integrator.GetTreeHeadAsync(cancellationToken);
        if (head.Size <= (latest?.TreeSize ?? 0))
        {
            return null;
        }

        var (checkpoint, created) = await SignAndStoreAsync(null, cancellationToken);
        return created ? checkpoint : null;
    }

    /// <summary>Signs and stores a checkpoint of <paramref name="claimed"/> (size and root), or of the tree head when null.</summary>
    /// <exception cref="LogIntegrityException">The root is not the stored tree's, or it is inconsistent with a stored checkpoint.</exception>
    internal async Task<(StoredCheckpoint Checkpoint, bool Created)> SignAndStoreAsync(TreeHead? claimed, CancellationToken cancellationToken)
    {
        using var activity = LedgerTelemetry.Source.StartActivity("provenance.checkpoint.sign");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var signer = signingKey.Signer;
        var keyId = SigningKey.FormatKeyId(signer.VerifierKey.KeyId);
        // #16: the checkpoint carries the root of the stream index at its size, so its signature covers both.
        var (checkpoint, created) = await checkpoints.SignAndStoreAsync(claimed, async (size, root, ct) =>
        {
            var indexRoot = await index.RootAtAsync(size, ct);
            var body = new Checkpoint(options.Value.Origin, (ulong)size, root, [StreamIndexCheckpoint.Line(indexRoot)]);
            return new CheckpointSignature(signer.Sign(body), keyId);
        }, cancellationToken);
        activity?.SetTag("provenance.tree.size", checkpoint.TreeSize);
        activity?.SetTag("provenance.checkpoint.created", created);
        if (created)
        {
            LedgerTelemetry.CheckpointSigning.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
            LogSigned(logger, checkpoint.TreeSize, keyId);
            signal.Signed();
        }

        return (checkpoint, created);
    }

    [LoggerMessage(LogLevel.Information, "Signed the checkpoint of {TreeSize} leaves with key {KeyId}")]
    private static partial void LogSigned(ILogger logger, long treeSize, string keyId);
}
